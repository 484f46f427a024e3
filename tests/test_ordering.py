"""ChatOrderedProcessor: other chats overlap, one chat's updates keep their order, also when
more updates arrive than may run at once."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

from telegram import Chat, Message, Update, User

from bot.ordering import ChatOrderedProcessor

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    user = User(chat_id, "Dr", is_bot=False)
    message = Message(update_id, NOW, chat, from_user=user, text=str(update_id))
    return Update(update_id, message=message)


async def test_order_per_chat_holds_under_saturation() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=3)
    chats = [101, 102, 103, 104]
    handled: dict[int, list[int]] = {chat: [] for chat in chats}
    running, most = 0, 0
    rng = random.Random(7)

    async def handle(update_id: int, chat_id: int) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(rng.random() / 500)
        handled[chat_id].append(update_id)
        running -= 1

    tasks = []
    for update_id in range(200):  # created in delivery order, as the Application does
        chat_id = chats[rng.randrange(len(chats))]
        tasks.append(
            asyncio.create_task(
                processor.process_update(update(update_id, chat_id), handle(update_id, chat_id))
            )
        )
    await asyncio.gather(*tasks)
    assert all(ids == sorted(ids) for ids in handled.values()), handled
    assert sum(map(len, handled.values())) == 200
    assert most == 3, "other chats ran concurrently, never more than allowed"


async def test_a_waiting_chat_does_not_block_another() -> None:
    processor = ChatOrderedProcessor()
    release = asyncio.Event()
    done: list[str] = []

    async def slow() -> None:
        await release.wait()
        done.append("slow")

    async def fast(name: str) -> None:
        done.append(name)

    first = asyncio.create_task(processor.process_update(update(1, 201), slow()))
    same_chat = asyncio.create_task(processor.process_update(update(2, 201), fast("same chat")))
    other_chat = asyncio.create_task(processor.process_update(update(3, 202), fast("other chat")))
    await other_chat
    assert done == ["other chat"]
    release.set()
    await asyncio.gather(first, same_chat)
    assert done == ["other chat", "slow", "same chat"]


async def test_updates_without_a_chat_or_user_are_not_held() -> None:
    processor = ChatOrderedProcessor()
    done: list[int] = []

    async def record() -> None:
        done.append(1)

    await processor.process_update(Update(5), record())
    await processor.process_update(object(), record())
    assert done == [1, 1]
