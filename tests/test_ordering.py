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
    processor = ChatOrderedProcessor(max_concurrent_updates=3, max_backlog=200)
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


async def test_a_flooding_chat_holds_one_slot_only() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=2)
    release = asyncio.Event()
    done: list[str] = []

    async def blocked() -> None:
        await release.wait()
        done.append("flood")

    async def fast(name: str) -> None:
        done.append(name)

    flood = [
        asyncio.create_task(processor.process_update(update(i, 301), blocked())) for i in range(10)
    ]
    await asyncio.sleep(0)
    other = asyncio.create_task(processor.process_update(update(99, 302), fast("other chat")))
    await asyncio.wait_for(other, 1)  # times out if the flood's queued updates hold slots
    assert done == ["other chat"]
    assert processor.current_concurrent_updates == 1
    release.set()
    await asyncio.gather(*flood)
    assert done.count("flood") == 10


async def test_a_chats_backlog_is_capped_and_told_once_per_burst() -> None:
    told: list[int] = []

    async def overflowed(update: object) -> None:
        assert isinstance(update, Update)
        told.append(update.update_id)

    processor = ChatOrderedProcessor(max_backlog=3, overflowed=overflowed)
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(update_id: int) -> None:
        await release.wait()
        handled.append(update_id)

    coroutines = [handle(i) for i in range(8)]
    tasks = [
        asyncio.create_task(processor.process_update(update(i, 401), coroutine))
        for i, coroutine in enumerate(coroutines)
    ]
    await asyncio.sleep(0.01)
    assert told == [3], "one notice, for the first message beyond the cap"
    release.set()
    await asyncio.gather(*tasks)
    assert handled == [0, 1, 2], "a prefix of what was sent, in order; the surplus untouched"
    assert all(coroutine.cr_frame is None for coroutine in coroutines), "every coroutine closed"
    # The burst is over: the next one is told again.
    release.clear()
    tasks = [
        asyncio.create_task(processor.process_update(update(i, 401), handle(i)))
        for i in range(10, 15)
    ]
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(*tasks)
    assert told == [3, 13]
    assert handled == [0, 1, 2, 10, 11, 12]


async def test_refused_users_are_answered_before_anyone_and_once_at_a_time() -> None:
    processor = ChatOrderedProcessor(
        max_concurrent_updates=1, refused=lambda update: _chat(update) == 666
    )
    release, refusal_sent = asyncio.Event(), asyncio.Event()
    done: list[str] = []

    async def busy() -> None:
        await release.wait()
        done.append("busy")

    async def refuse(name: str) -> None:
        done.append(name)
        await refusal_sent.wait()

    busy_task = asyncio.create_task(processor.process_update(update(1, 501), busy()))
    await asyncio.sleep(0)  # the only slot is taken
    first = asyncio.create_task(processor.process_update(update(2, 666), refuse("refused 1")))
    await asyncio.sleep(0)
    await asyncio.wait_for(processor.process_update(update(3, 666), refuse("refused 2")), 1)
    assert done == ["refused 1"], "answered without a slot; the second, meanwhile, dropped"
    refusal_sent.set()
    await first
    await asyncio.wait_for(processor.process_update(update(4, 666), refuse("refused 3")), 1)
    assert done == ["refused 1", "refused 3"]
    release.set()
    await busy_task


def _chat(item: object) -> int | None:
    assert isinstance(item, Update) and item.effective_chat is not None
    return item.effective_chat.id
