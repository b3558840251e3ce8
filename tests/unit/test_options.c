/* Declared plugin options: types, defaults, unknown keys, paths. */
#include "harness.h"

#include "internal.h"

#include <string.h>

static const td_option DECL[] = {
    { "name", TD_OPT_STRING, "def", "a string" },
    { "count", TD_OPT_INT, "3", "an int" },
    { "on", TD_OPT_BOOL, "no", "a bool" },
    { "ratio", TD_OPT_DOUBLE, "0.25", "a number" },
    { "file", TD_OPT_STRING, "conf/transcriptd.conf", "a path" },
    { NULL, 0, NULL, NULL },
};

static void defaults_then_values(void **state)
{
    (void)state;
    td_options *o = td__options_new(DECL, "/nonexistent", TD_SOURCE_DIR);
    assert_string_equal(td_opt_string(o, "name"), "def");
    assert_int_equal(td_opt_int(o, "count"), 3);
    assert_false(td_opt_bool(o, "on"));
    assert_float_equal(td_opt_double(o, "ratio"), 0.25, 1e-12);
    assert_int_equal(td__options_set(o, "count", "12", NULL, 0), 0);
    assert_int_equal(td__options_set(o, "on", "Yes", NULL, 0), 0);
    assert_int_equal(td_opt_int(o, "count"), 12);
    assert_true(td_opt_bool(o, "on"));
    /* Undeclared names read as empty, never crash. */
    assert_string_equal(td_opt_string(o, "nope"), "");
    assert_int_equal(td_opt_int(o, "nope"), 0);
    td__options_free(o);
}

static void bad_values_say_why(void **state)
{
    char why[256];
    (void)state;
    td_options *o = td__options_new(DECL, ".", ".");
    assert_int_equal(td__options_set(o, "count", "12x", why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "'12x' is not a valid integer"));
    assert_int_equal(td__options_set(o, "on", "maybe", why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "boolean"));
    assert_int_equal(td__options_set(o, "ratio", "nan", why, sizeof(why)), -EINVAL);
    assert_int_equal(td__options_set(o, "other", "1", why, sizeof(why)), -ENOENT);
    td__options_free(o);
}

static void paths_fall_back_to_data_dir(void **state)
{
    (void)state;
    td_options *o = td__options_new(DECL, "/nonexistent", TD_SOURCE_DIR);
    assert_string_equal(td_opt_path(o, "file"), TD_SOURCE_DIR "/conf/transcriptd.conf");
    td__options_set(o, "file", "/abs/x", NULL, 0);
    td__options_free(o);
    o = td__options_new(DECL, TD_SOURCE_DIR, "/elsewhere");
    assert_string_equal(td_opt_path(o, "file"), TD_SOURCE_DIR "/conf/transcriptd.conf");
    td__options_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_then_values), cmocka_unit_test(bad_values_say_why),
        cmocka_unit_test(paths_fall_back_to_data_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
