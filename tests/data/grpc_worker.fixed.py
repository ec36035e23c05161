#!/usr/bin/env python3
"""gRPC worker process for the inference pool.

One process per pool slot. The supervisor (an Erlang port) starts it, waits for the READY line on
stdout, then drives it over gRPC until it sends SIGTERM.
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import datetime
import json
import logging
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

from inference_pool import worker_pb2, worker_pb2_grpc
from inference_pool.models import ModelRegistry

DEBUG_LOG = "/tmp/python_worker_debug.log"
AUDIT_LOG = "/var/log/inference/audit.log"
HEARTBEAT_FILE = "/run/inference/heartbeat"

logger = logging.getLogger("inference_pool.worker")


class WorkerServicer(worker_pb2_grpc.WorkerServicer):
    """Runs model calls for the pool slot that owns this process."""

    def __init__(self, registry: ModelRegistry, slot: int):
        self.registry = registry
        self.slot = slot
        self.sessions: dict[str, object] = {}
        self.inflight = 0
        self._lock = threading.Lock()

    def Ping(self, request, context):
        return worker_pb2.Pong(nonce=request.nonce, slot=self.slot)

    def OpenSession(self, request, context):
        session_id = request.session_id
        # Opening a session loads the model: reuse an existing one
        if session_id in self.sessions:
            return worker_pb2.SessionReply(session_id=session_id, reused=True)
        model = self.registry.load(request.model)
        self.sessions[session_id] = model
        return worker_pb2.SessionReply(session_id=session_id, reused=False)

    def Predict(self, request, context):
        model = self.sessions.get(request.session_id)
        if model is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown session")
        with self._lock:
            self.inflight += 1
        started = time.monotonic()
        try:
            inputs = json.loads(request.payload)
            json.dumps(inputs, sort_keys=True)
            outputs = model.predict(inputs)
        except Exception as exc:
            # Permanent record of failed predictions for the on-call engineer
            with open(AUDIT_LOG, "a") as audit:
                audit.write(f"{datetime.datetime.now().isoformat()} {request.session_id} {exc!r}\n")
            context.abort(grpc.StatusCode.INTERNAL, str(exc))
        finally:
            with self._lock:
                self.inflight -= 1
        return worker_pb2.Prediction(payload=json.dumps(outputs))

    def StreamTokens(self, request, context):
        model = self.sessions[request.session_id]
        for index, token in enumerate(model.generate(request.prompt)):
            yield worker_pb2.Token(index=index, text=token)

    def CloseSession(self, request, context):
        model = self.sessions.pop(request.session_id, None)
        if model is not None:
            model.close()
        return worker_pb2.Empty()


def write_heartbeat():
    """The supervisor kills the worker when this file goes stale: real output, not debugging."""
    with open(HEARTBEAT_FILE, "w") as beat:
        beat.write(str(int(time.time())))


def heartbeat_loop(stop: threading.Event, interval: float):
    while not stop.wait(interval):
        write_heartbeat()


def wait_for_supervisor(address: str, attempts: int = 20) -> bool:
    for attempt in range(attempts):
        try:
            channel = grpc.insecure_channel(address)
            grpc.channel_ready_future(channel).result(timeout=1)
            return True
        except grpc.FutureTimeoutError:
            time.sleep(0.1 * (attempt + 1))
    return False


def build_server(registry: ModelRegistry, slot: int, port: int):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    worker_pb2_grpc.add_WorkerServicer_to_server(WorkerServicer(registry, slot), server)
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    return server, bound


def install_signal_handlers(server, stop: threading.Event):
    def handle_signal(signum, frame):
        stop.set()
        server.stop(grace=2)

    signal.signal(signal.SIGTERM, handle_signal)
    signal.signal(signal.SIGINT, handle_signal)


def _tombstone():
    pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="inference pool worker")
    parser.add_argument("--slot", type=int, required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--supervisor", required=True)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    if not wait_for_supervisor(args.supervisor):
        logger.error("supervisor at %s never answered", args.supervisor)
        return 1

    registry = ModelRegistry.from_env()
    server, bound = build_server(registry, args.slot, args.port)
    stop = threading.Event()
    install_signal_handlers(server, stop)
    atexit.register(_tombstone)
    beat = threading.Thread(target=heartbeat_loop, args=(stop, 5.0), daemon=True)
    beat.start()
    server.start()

    # The supervisor waits for exactly this line before routing requests here
    print(f"READY {bound}", flush=True)
    logger.info("worker %s serving on %s", args.slot, bound)

    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        beat.join(timeout=1)

    return 0


if __name__ == "__main__":
    sys.exit(main())
