"""Richards (Martin Richards' operating-system simulation benchmark): a scheduler runs
an idle task, a worker, two packet handlers and two devices that pass packets
through queues. Object-heavy: method calls, attribute access, linked lists. Prints the
queue and hold counts of the last run (23246 and 9297 for the standard 10000 idle
steps) and a checksum of the packets' data."""
import sys
import time

from _report import report_time_per_iteration


BUFSIZE = 4

I_IDLE = 1
I_WORK = 2
I_HANDLER_A = 3
I_HANDLER_B = 4
I_DEVICE_A = 5
I_DEVICE_B = 6

KIND_DEVICE = 0
KIND_WORK = 1


class Packet:
    def __init__(self, link, ident, kind):
        self.link = link
        self.ident = ident
        self.kind = kind
        self.datum = 0
        self.data = [0] * BUFSIZE

    def append_to(self, queue):
        """Appends this packet to the end of `queue`; returns the new head."""
        self.link = None
        if queue is None:
            return self
        tail = queue
        while tail.link is not None:
            tail = tail.link
        tail.link = self
        return queue


class IdleRecord:
    def __init__(self, count):
        self.control = 1
        self.count = count


class WorkerRecord:
    def __init__(self):
        self.destination = I_HANDLER_A
        self.count = 0


class HandlerRecord:
    def __init__(self):
        self.work_in = None
        self.device_in = None


class DeviceRecord:
    def __init__(self):
        self.pending = None


class Task:
    """A task control block: linked into the scheduler's list by priority order of
    creation, with an input queue and three state bits."""

    def __init__(self, scheduler, ident, priority, queue, record, waiting=True):
        self.scheduler = scheduler
        self.link = scheduler.task_list
        self.ident = ident
        self.priority = priority
        self.input = queue
        self.record = record
        self.packet_pending = queue is not None
        self.waiting = waiting
        self.holding = False
        scheduler.task_list = self
        scheduler.tasks[ident] = self

    def blocked(self):
        return self.holding or (not self.packet_pending and self.waiting)

    def run(self):
        packet = None
        if self.packet_pending and self.waiting:
            packet = self.input
            self.input = packet.link
            self.packet_pending = self.input is not None
            self.waiting = False
        return self.step(packet)

    def add_packet(self, packet, previous):
        """Queues `packet` here; returns the task to run next."""
        if self.input is None:
            self.input = packet
            self.packet_pending = True
            if self.priority > previous.priority:
                return self
        else:
            self.input = packet.append_to(self.input)
        return previous

    # Scheduler services, called from a task's step.

    def wait(self):
        self.waiting = True
        return self

    def hold(self):
        self.scheduler.hold_count += 1
        self.holding = True
        return self.link

    def release(self, ident):
        task = self.scheduler.tasks[ident]
        task.holding = False
        return task if task.priority > self.priority else self

    def send(self, packet):
        target = self.scheduler.tasks[packet.ident]
        self.scheduler.queue_count += 1
        packet.link = None
        packet.ident = self.ident
        return target.add_packet(packet, self)


class IdleTask(Task):
    def step(self, packet):
        r = self.record
        r.count -= 1
        if r.count == 0:
            return self.hold()
        if r.control & 1 == 0:
            r.control >>= 1
            return self.release(I_DEVICE_A)
        r.control = (r.control >> 1) ^ 0xD008
        return self.release(I_DEVICE_B)


class WorkTask(Task):
    def step(self, packet):
        if packet is None:
            return self.wait()
        r = self.record
        r.destination = I_HANDLER_B if r.destination == I_HANDLER_A else I_HANDLER_A
        packet.ident = r.destination
        packet.datum = 0
        for i in range(BUFSIZE):
            r.count += 1
            if r.count > 26:
                r.count = 1
            packet.data[i] = 64 + r.count
        return self.send(packet)


class HandlerTask(Task):
    def step(self, packet):
        r = self.record
        if packet is not None:
            if packet.kind == KIND_WORK:
                r.work_in = packet.append_to(r.work_in)
            else:
                r.device_in = packet.append_to(r.device_in)
        work = r.work_in
        if work is not None:
            count = work.datum
            if count >= BUFSIZE:
                r.work_in = work.link
                return self.send(work)
            device = r.device_in
            if device is not None:
                r.device_in = device.link
                device.datum = work.data[count]
                work.datum = count + 1
                self.scheduler.checksum = (self.scheduler.checksum * 31 + device.datum) % 1000000007
                return self.send(device)
        return self.wait()


class DeviceTask(Task):
    def step(self, packet):
        r = self.record
        if packet is None:
            packet = r.pending
            if packet is None:
                return self.wait()
            r.pending = None
            return self.send(packet)
        r.pending = packet
        return self.hold()


class Scheduler:
    def __init__(self):
        self.task_list = None
        self.tasks = [None] * 7
        self.queue_count = 0
        self.hold_count = 0
        self.checksum = 0

    def schedule(self):
        task = self.task_list
        while task is not None:
            if task.blocked():
                task = task.link
            else:
                task = task.run()


def run_once(idle_steps):
    s = Scheduler()
    IdleTask(s, I_IDLE, 1, None, IdleRecord(idle_steps), waiting=False)
    work = Packet(None, 0, KIND_WORK)
    work = Packet(work, 0, KIND_WORK)
    WorkTask(s, I_WORK, 1000, work, WorkerRecord())
    for ident, priority, device in ((I_HANDLER_A, 2000, I_DEVICE_A), (I_HANDLER_B, 3000, I_DEVICE_B)):
        queue = None
        for _ in range(3):
            queue = Packet(queue, device, KIND_DEVICE)
        HandlerTask(s, ident, priority, queue, HandlerRecord())
    DeviceTask(s, I_DEVICE_A, 4000, None, DeviceRecord())
    DeviceTask(s, I_DEVICE_B, 5000, None, DeviceRecord())
    s.schedule()
    return s


def main(iterations):
    total = 0
    s = None
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        s = run_once(10000)
        times.append(time.perf_counter() - t0)
        total += s.queue_count + s.hold_count
    print(s.queue_count, s.hold_count)
    print(total, s.checksum)
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20)
