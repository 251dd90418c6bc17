"""The zero-config broker: kombu's filesystem transport, with whole messages only.

kombu writes a message by creating its file in the queue folder and then writing into
it, so a worker polling the folder can take the file in between, read it empty, and die
on the JSON it cannot decode (seen once in a test run). Here each message is written in a
folder beside the queue and then renamed into it: a rename within one filesystem is
atomic, so the queue folder only ever holds complete messages.

A message sent back to its queue (its worker process died) is marked redelivered where the
task reads it, as the Redis transport marks it: only a redelivered message may take back
the work it held (claims/tasks.py).
"""

import os
import uuid
from pathlib import Path
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # kombu's own classes name the second argument differently (message, payload).
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Put `payload` onto `queue`, named and ordered as kombu names its messages."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        queue_folder = Path(self.data_folder_out)
        writing = queue_folder.parent / f"{queue_folder.name}-writing"
        try:
            writing.mkdir(exist_ok=True)
            body = dumps(payload)  # type: ignore[no-untyped-call]  # kombu's own JSON
            (writing / name).write_bytes(body.encode())
            os.replace(writing / name, queue_folder / name)
        except OSError as error:
            raise ChannelError(f"Cannot add message {name!r} to {queue_folder}") from error

    def _restore(self, message: Any) -> None:
        """Send a message back to its queue, marked redelivered in its delivery info."""
        delivery_info = message.delivery_info
        payload = message.serializable()
        payload["redelivered"] = True
        payload["properties"]["delivery_info"]["redelivered"] = True
        exchange, routing_key = delivery_info["exchange"], delivery_info["routing_key"]
        for queue in self._lookup(exchange, routing_key):  # type: ignore[no-untyped-call]
            self._put(queue, payload)


class Transport(filesystem.Transport):
    Channel = Channel
