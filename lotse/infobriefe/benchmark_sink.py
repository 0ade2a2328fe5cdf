"""An SMTP sink for `manage.py dispatch_benchmark`, run in a process of its own.

aiosmtpd on 127.0.0.1 accepts every message and counts: messages, distinct Message-IDs, and
the distinct Message-IDs per recipient. The benchmark talks to it through a pipe ("stats",
"reset", "stop"). No Django here: the process is started with multiprocessing's "spawn".
"""

from __future__ import annotations

import logging
import re
import resource
import threading
from collections import defaultdict
from multiprocessing.connection import Connection
from typing import Any

_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


class CountingHandler:
    """aiosmtpd handler: counts what arrives, keeps nothing else."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.messages = 0
            self.bytes = 0
            self.per_id: dict[bytes, int] = defaultdict(int)
            self.ids_per_recipient: dict[str, set[bytes]] = defaultdict(set)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content: bytes = envelope.content
        header_end = content.find(b"\r\n\r\n")
        match = _MESSAGE_ID.search(content, 0, header_end if header_end >= 0 else len(content))
        message_id = match.group(1) if match else b""
        with self.lock:
            self.messages += 1
            self.bytes += len(content)
            self.per_id[message_id] += 1
            for recipient in envelope.rcpt_tos:
                self.ids_per_recipient[recipient.lower()].add(message_id)
        return "250 OK"

    def stats(self) -> dict[str, Any]:
        with self.lock:
            unique = len(self.per_id)
            return {
                "messages": self.messages,
                "bytes": self.bytes,
                "unique_message_ids": unique,
                "duplicates": self.messages - unique,
                "recipients": len(self.ids_per_recipient),
                "recipients_with_several_ids": sum(
                    1 for ids in self.ids_per_recipient.values() if len(ids) > 1
                ),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(self.ids_per_recipient)


def serve(port: int, pipe: Connection) -> None:
    """Run the sink on 127.0.0.1:`port` and answer the benchmark's commands until "stop"."""
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO; that would be the sink's main cost.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, data_size_limit=10 * 1024 * 1024
    )
    controller.start()
    pipe.send("ready")
    try:
        while True:
            command = pipe.recv()
            if command == "stats":
                pipe.send(handler.stats())
            elif command == "recipients":
                pipe.send(handler.recipients())
            elif command == "reset":
                handler.reset()
                pipe.send("ok")
            elif command == "stop":
                pipe.send(handler.stats())
                break
    finally:
        controller.stop()
