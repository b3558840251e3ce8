/* The workers' wire format: whole messages, the protocol frame, limits. */
#include "harness.h"

#include "wire.h"

#include <string.h>

typedef struct pair {
    void *ctx, *a, *b;
} pair;

static int setup(void **state)
{
    static pair p;
    static int n;
    char ep[64];
    snprintf(ep, sizeof(ep), "inproc://wire-%d", n++);
    p.ctx = zmq_ctx_new();
    p.a = zmq_socket(p.ctx, ZMQ_PAIR);
    p.b = zmq_socket(p.ctx, ZMQ_PAIR);
    if (zmq_bind(p.a, ep) != 0 || zmq_connect(p.b, ep) != 0)
        return -1;
    *state = &p;
    return 0;
}

static int teardown(void **state)
{
    pair *p = *state;
    zmq_close(p->a);
    zmq_close(p->b);
    return zmq_ctx_term(p->ctx);
}

/* Waits for a message, then takes it whole. */
static void recv_one(void *sock, wire_msg *m)
{
    zmq_pollitem_t item = { sock, 0, ZMQ_POLLIN, 0 };
    assert_int_equal(zmq_poll(&item, 1, 2000), 1);
    assert_int_equal(wire_recv(sock, m), 0);
}

static void test_send_adds_the_protocol_frame(void **state)
{
    pair *p = *state;
    char big[3000];
    memset(big, 'x', sizeof(big));
    wire_part parts[] = { wire_s("JOB"), wire_s("17"), { big, sizeof(big) } };
    assert_int_equal(wire_send(p->a, NULL, 0, parts, 3), 0);

    wire_msg m;
    recv_one(p->b, &m);
    assert_int_equal(m.n, 4);
    assert_false(m.truncated);
    assert_true(wire_is(&m, 0, WIRE_PROTOCOL));
    assert_true(wire_is(&m, 1, "JOB"));
    assert_false(wire_is(&m, 1, "JO"));
    assert_false(wire_is(&m, 1, "JOBS"));
    assert_false(wire_is(&m, 9, "JOB"));
    char id[8];
    assert_string_equal(wire_str(&m, 2, id, sizeof(id)), "17");
    assert_int_equal(zmq_msg_size(&m.f[3]), sizeof(big));
    /* Cut to fit, always terminated; past the end: empty. */
    char small[4];
    assert_string_equal(wire_str(&m, 3, small, sizeof(small)), "xxx");
    assert_string_equal(wire_str(&m, 7, small, sizeof(small)), "");
    wire_close(&m);
    assert_int_equal(m.n, 0);
}

static void test_an_identity_goes_first(void **state)
{
    pair *p = *state;
    wire_part part = wire_s("HEARTBEAT");
    assert_int_equal(wire_send(p->a, "id-1", 4, &part, 1), 0);
    wire_msg m;
    recv_one(p->b, &m);
    assert_int_equal(m.n, 3);
    assert_true(wire_is(&m, 0, "id-1"));
    assert_true(wire_is(&m, 1, WIRE_PROTOCOL));
    assert_true(wire_is(&m, 2, "HEARTBEAT"));
    wire_close(&m);
}

/* A peer cannot make the receiver keep more than WIRE_MAX_FRAMES. */
static void test_too_many_frames_are_marked(void **state)
{
    pair *p = *state;
    int n = WIRE_MAX_FRAMES + 10;
    for (int i = 0; i < n; i++)
        zmq_send(p->a, "f", 1, i + 1 < n ? ZMQ_SNDMORE : 0);
    wire_msg m;
    recv_one(p->b, &m);
    assert_true(m.truncated);
    assert_int_equal(m.n, WIRE_MAX_FRAMES);
    wire_close(&m);
    /* The next message starts clean. */
    zmq_send(p->a, "next", 4, 0);
    recv_one(p->b, &m);
    assert_false(m.truncated);
    assert_int_equal(m.n, 1);
    assert_true(wire_is(&m, 0, "next"));
    wire_close(&m);
}

static void test_nothing_there(void **state)
{
    pair *p = *state;
    wire_msg m;
    assert_int_equal(wire_recv(p->b, &m), -1);
    assert_int_equal(m.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_send_adds_the_protocol_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_identity_goes_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_frames_are_marked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_there, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
