"""An app-like NATS client for the lab, on the app's own client library (nats-py).

It connects as the Antenna app would with NATS_URL listing every server
(servers=NATS_URL.split(",")), and:

  job ID TASKS REPLICAS   creates job ID's stream (job_ID, job.ID.tasks, durable job-ID-consumer,
                          the app's naming) with REPLICAS copies and TASKS tasks, then exits;
  roll DIR                publishes a numbered message every 50 ms to its own R3 stream and consumes
                          them, until DIR/stop exists; meanwhile it logs every 100 ms which servers
                          answer (DIR/membership.log) and, at the end, writes DIR/summary.json:
                          published, consumed, missing, max_away, samples.
"""
import asyncio
import json
import os
import sys
import time

import nats
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig


SERVERS = os.environ["NATS_URL"].split(",")


async def connect():
    return await nats.connect(servers=SERVERS, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                              connect_timeout=2, name="appclient")


async def job(job_id, tasks, replicas):
    nc = await connect()
    js = nc.jetstream()
    stream, subject, durable = f"job_{job_id}", f"job.{job_id}.tasks", f"job-{job_id}-consumer"
    await js.add_stream(StreamConfig(name=stream, subjects=[subject], num_replicas=replicas, max_age=86400))
    await js.add_consumer(stream, ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT, max_deliver=2,
                                                 ack_wait=30, max_ack_pending=1000, filter_subject=subject))
    for i in range(1, tasks + 1):
        await js.publish(subject, json.dumps({"id": i, "image_id": 100 + i,
                                              "image_url": f"https://images.invalid/{100 + i}.jpg"}).encode())
    print(f"created {stream} with {tasks} tasks on {replicas} replicas", flush=True)
    await nc.close()


async def answers(host, port):
    try:
        _, w = await asyncio.wait_for(asyncio.open_connection(host, port), 0.08)
        w.close()
        return True
    except Exception:
        return False


async def membership(out, stop, stats):
    hosts = [s.split("//", 1)[1].rsplit(":", 1) for s in SERVERS]
    with open(out, "w") as log:
        while not stop.is_set():
            t = time.monotonic()
            up = await asyncio.gather(*(answers(h, int(p)) for h, p in hosts))
            away = [f"{h}" for (h, _), ok in zip(hosts, up) if not ok]
            stats["samples"] += 1
            stats["max_away"] = max(stats["max_away"], len(away))
            log.write(f"{time.time():.3f} up={sum(up)} away={','.join(away) or '-'}\n")
            log.flush()
            await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - t)))


async def roll(directory):
    nc = await connect()
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name="appclient", subjects=["appclient.msgs"], num_replicas=3))
    await js.add_consumer("appclient", ConsumerConfig(durable_name="appclient", ack_policy=AckPolicy.EXPLICIT,
                                                      ack_wait=10, filter_subject="appclient.msgs"))
    sub = await js.pull_subscribe("appclient.msgs", "appclient", stream="appclient")
    stop = asyncio.Event()
    stats = {"samples": 0, "max_away": 0, "publish_retries": 0}
    published, consumed = [], set()
    watcher = asyncio.create_task(membership(os.path.join(directory, "membership.log"), stop, stats))

    async def consume(until):
        while time.monotonic() < until:
            try:
                for m in await sub.fetch(50, timeout=0.5):
                    consumed.add(int(m.data))
                    await m.ack()
            except Exception:
                await asyncio.sleep(0.05)
            if stop.is_set() and consumed >= set(published):
                return

    consumer = asyncio.create_task(consume(float("inf")))
    n = 0
    while not os.path.exists(os.path.join(directory, "stop")):
        n += 1
        while True:   # a publish counts once JetStream acknowledged it; retried through a server going away
            try:
                await js.publish("appclient.msgs", str(n).encode(), timeout=2)
                published.append(n)
                break
            except Exception:
                stats["publish_retries"] += 1
                await asyncio.sleep(0.1)
        await asyncio.sleep(0.05)
    stop.set()
    consumer.cancel()
    await consume(time.monotonic() + 30)
    await watcher
    missing = sorted(set(published) - consumed)
    with open(os.path.join(directory, "summary.json"), "w") as f:
        json.dump({"published": len(published), "consumed": len(consumed), "missing": missing[:20],
                   "missing_count": len(missing), **stats}, f)
    await nc.close()


if __name__ == "__main__":
    if sys.argv[1] == "job":
        asyncio.run(job(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
    else:
        asyncio.run(roll(sys.argv[2]))
