#!/usr/bin/python3
"""A transcriptd subscriber that sees every event once, in order, even when
it starts late, falls behind, or the daemon restarts.

    examples/subscriber.py [--publish EP] [--replay EP] [--since SEQ]

It prints "SEQ TOPIC SOURCE" per event.  The recipe (docs/events.md):
subscribe first; remember the last seq handled; when an event's seq jumps
past it, or a heartbeat's last_seq is ahead of it, ask the replay socket
for everything after it; drop what was already handled.

Needs pyzmq (Debian: python3-zmq).
"""
import argparse
import json
import signal
import sys

import zmq


def replay(ctx, endpoint, since, timeout_ms=5000):
    """Yields (topic, event) for every journaled event after seq since."""
    dealer = ctx.socket(zmq.DEALER)
    dealer.linger = 0
    dealer.connect(endpoint)
    try:
        while True:
            dealer.send_multipart([b"ICANHAZ?", str(since).encode()])
            got = 0
            while True:
                if not dealer.poll(timeout_ms):
                    raise TimeoutError(f"no answer from {endpoint}")
                frames = dealer.recv_multipart()
                if frames[0] == b"KTHXBAI":
                    oldest = int(frames[2])
                    if got == 0 and oldest > since + 1:
                        print(f"events {since + 1}..{oldest - 1} are gone from "
                              "the journal", file=sys.stderr)
                    break
                if frames[0] == b"ERROR":
                    raise RuntimeError(frames[1].decode())
                event = json.loads(frames[1])
                got += 1
                since = event["seq"]
                yield frames[0].decode(), event
            # At most 10,000 events come per request: ask until none come.
            if got == 0:
                return
    finally:
        dealer.close()


class Subscriber:
    def __init__(self, publish, replay_endpoint, since=None):
        self.ctx = zmq.Context.instance()
        self.replay_endpoint = replay_endpoint
        self.last = since          # None: start with what comes next
        self.sub = self.ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        self.sub.connect(publish)

    def fill(self):
        for topic, event in replay(self.ctx, self.replay_endpoint, self.last):
            if event["seq"] > self.last:
                self.last = event["seq"]
                yield topic, event

    def events(self):
        """Yields (topic, event) for every event, each once, in seq order."""
        if self.last is not None:
            yield from self.fill()
        while True:
            topic, payload = self.sub.recv_multipart()
            event = json.loads(payload)
            if topic == b"daemon.heartbeat":
                # No seq of its own; last_seq says whether we missed any.
                if self.last is None:
                    self.last = event["last_seq"]
                elif event["last_seq"] > self.last:
                    yield from self.fill()
                continue
            if self.last is None:
                self.last = event["seq"] - 1
            if event["seq"] > self.last + 1:
                yield from self.fill()
            if event["seq"] > self.last:
                self.last = event["seq"]
                yield topic.decode(), event


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--publish", default="tcp://127.0.0.1:7560")
    ap.add_argument("--replay", default="tcp://127.0.0.1:7561")
    ap.add_argument("--since", type=int, default=None,
                    help="start after this seq (0: everything kept)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for topic, event in Subscriber(args.publish, args.replay,
                                       args.since).events():
            print(event["seq"], topic, event.get("source", ""), flush=True)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
