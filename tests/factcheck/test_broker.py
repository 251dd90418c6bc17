"""The zero-config broker hands workers whole messages only: each is written beside the
queue folder and renamed into it, so a polling worker never reads a half-written file."""

from pathlib import Path

from kombu.connection import Connection

from factcheck.broker import Transport


def _connection(folder: Path) -> Connection:
    queue = folder / "queue"
    queue.mkdir()
    options = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "control_folder": str(folder / "control"),  # kombu's default is ./control: the work tree
    }
    return Connection("localhost", transport=Transport, transport_options=options)  # type: ignore[no-untyped-call]


def test_a_message_goes_through_whole(tmp_path: Path) -> None:
    with _connection(tmp_path) as connection:
        inbox = connection.SimpleQueue("work")
        inbox.put({"task": "claims.tasks.extract", "args": [12]})

        message = inbox.get(timeout=1)

        assert message.payload == {"task": "claims.tasks.extract", "args": [12]}
        message.ack()
        inbox.close()


def test_the_queue_folder_only_ever_holds_complete_messages(tmp_path: Path) -> None:
    with _connection(tmp_path) as connection:
        channel = connection.default_channel

        channel._put("work", {"body": "x" * 100_000})

        [stored] = (tmp_path / "queue").glob("*.work.msg")
        assert stored.read_bytes().endswith(b"}")
        assert list((tmp_path / "queue-writing").iterdir()) == []  # renamed, not copied


def test_a_message_sent_back_to_its_queue_comes_back_marked_redelivered(tmp_path: Path) -> None:
    with _connection(tmp_path) as connection:
        inbox = connection.SimpleQueue(
            "returned"
        )  # a queue of its own: kombu keeps queues in memory
        inbox.put({"task": "claims.tasks.extract", "args": [12]})
        first = inbox.get(timeout=1)
        assert not first.delivery_info.get("redelivered")

        first.requeue()  # what a worker does with the message of a process that died
        again = inbox.get(timeout=1)

        assert again.payload == first.payload
        assert again.delivery_info["redelivered"] is True
        again.ack()
        inbox.close()
