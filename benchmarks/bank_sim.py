"""A discrete-event simulation of a bank: customers arrive, queue at tellers and are
served; trainee tellers take breaks; a periodic audit samples the queues. Events live in
a heapq priority queue ordered by (time, sequence number) and are objects whose fire()
each subclass overrides; tellers and customers are small classes with properties. So it
measures object-oriented code: attribute access, method calls through an inheritance
chain, property getters, small-object allocation and heapq. Each iteration simulates
one day with its own seed; prints the day's totals of the last day and a checksum over
all days."""
import heapq
import sys
import time
from collections import deque

from _report import report_time_per_iteration


class Rng:
    """A linear congruential generator (the ANSI C constants), so every
    implementation draws the same numbers."""

    def __init__(self, seed):
        self.state = seed & 0x7FFFFFFF

    def below(self, n):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.state >> 8) % n

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)


class Customer:
    def __init__(self, ident, arrived, work, business):
        self.ident = ident
        self.arrived = arrived
        self.work = work
        self.business = business
        self.started = -1
        self.finished = -1

    @property
    def waited(self):
        return self.started - self.arrived

    @property
    def in_bank(self):
        return self.finished - self.arrived


class Teller:
    """Serves one customer at a time; `speed` is the work units done per minute."""

    kind = "teller"

    def __init__(self, name, speed):
        self.name = name
        self.speed = speed
        self.queue = deque()
        self.current = None
        self.busy_time = 0
        self.served = 0
        self.on_break = False

    @property
    def idle(self):
        return self.current is None and not self.on_break

    @property
    def load(self):
        """How much waiting work stands before a newcomer (the queue choice)."""
        total = len(self.queue) * 4
        if self.current is not None:
            total += 2
        if self.on_break:
            total += 6
        return total

    def service_time(self, customer):
        return (customer.work + self.speed - 1) // self.speed

    def start(self, sim, customer):
        self.current = customer
        customer.started = sim.now
        duration = self.service_time(customer)
        self.busy_time += duration
        sim.schedule(duration, Departure(self))

    def finish(self, sim):
        customer = self.current
        customer.finished = sim.now
        self.current = None
        self.served += 1
        sim.bank.record(customer)
        self.next_customer(sim)

    def next_customer(self, sim):
        if self.queue and not self.on_break:
            self.start(sim, self.queue.popleft())


class SeniorTeller(Teller):
    """Quicker with business customers."""

    kind = "senior"

    def service_time(self, customer):
        base = Teller.service_time(self, customer)
        if customer.business:
            return max(1, base * 2 // 3)
        return base


class TraineeTeller(Teller):
    """Slower, and needs a break every few customers."""

    kind = "trainee"

    def __init__(self, name, speed, break_every):
        super().__init__(name, speed)
        self.break_every = break_every
        self.breaks = 0

    def service_time(self, customer):
        return super().service_time(customer) + 1

    def next_customer(self, sim):
        if self.served >= (self.breaks + 1) * self.break_every and not self.on_break:
            self.on_break = True
            self.breaks += 1
            sim.schedule(15, BreakOver(self))
            return
        super().next_customer(sim)


class Event:
    __slots__ = ()

    def fire(self, sim):
        raise NotImplementedError


class Arrival(Event):
    __slots__ = ("customer",)

    def __init__(self, customer):
        self.customer = customer

    def fire(self, sim):
        sim.bank.arrive(sim, self.customer)
        sim.next_arrival()


class Departure(Event):
    __slots__ = ("teller",)

    def __init__(self, teller):
        self.teller = teller

    def fire(self, sim):
        self.teller.finish(sim)


class BreakOver(Event):
    __slots__ = ("teller",)

    def __init__(self, teller):
        self.teller = teller

    def fire(self, sim):
        self.teller.on_break = False
        self.teller.next_customer(sim)


class Audit(Event):
    __slots__ = ("period",)

    def __init__(self, period):
        self.period = period

    def fire(self, sim):
        sim.bank.audit()
        if sim.arrivals_left or sim.pending:
            sim.schedule(self.period, self)


class Bank:
    def __init__(self, tellers):
        self.tellers = tellers
        self.done = 0
        self.total_wait = 0
        self.max_wait = 0
        self.total_in_bank = 0
        self.business_done = 0
        self.longest_queue = 0
        self.audits = 0
        self.queued_sum = 0

    def arrive(self, sim, customer):
        best = None
        best_load = 0
        for teller in self.tellers:
            if teller.idle:
                teller.start(sim, customer)
                return
            load = teller.load
            if best is None or load < best_load:
                best = teller
                best_load = load
        best.queue.append(customer)

    def record(self, customer):
        self.done += 1
        waited = customer.waited
        self.total_wait += waited
        if waited > self.max_wait:
            self.max_wait = waited
        self.total_in_bank += customer.in_bank
        if customer.business:
            self.business_done += 1

    def audit(self):
        self.audits += 1
        for teller in self.tellers:
            n = len(teller.queue)
            self.queued_sum += n
            if n > self.longest_queue:
                self.longest_queue = n


class Simulation:
    def __init__(self, bank, customers, seed):
        self.bank = bank
        self.rng = Rng(seed)
        self.now = 0
        self.events = []
        self.sequence = 0
        self.arrivals_left = customers
        self.next_ident = 0

    @property
    def pending(self):
        return len(self.events)

    def schedule(self, delay, event):
        self.sequence += 1
        heapq.heappush(self.events, (self.now + delay, self.sequence, event))

    def next_arrival(self):
        if self.arrivals_left == 0:
            return
        self.arrivals_left -= 1
        rng = self.rng
        business = rng.below(5) == 0
        work = rng.between(10, 50) if business else rng.between(3, 18)
        customer = Customer(self.next_ident, 0, work, business)
        self.next_ident += 1
        gap = rng.between(0, 2)
        customer.arrived = self.now + gap
        self.schedule(gap, Arrival(customer))

    def run(self):
        self.next_arrival()
        self.schedule(60, Audit(60))
        events = self.events
        while events:
            when, _, event = heapq.heappop(events)
            self.now = when
            event.fire(self)


def simulate_day(customers, seed):
    tellers = [
        SeniorTeller("ada", 6),
        Teller("bob", 4),
        Teller("cy", 4),
        TraineeTeller("dee", 3, 7),
        TraineeTeller("eve", 2, 5),
    ]
    bank = Bank(tellers)
    sim = Simulation(bank, customers, seed)
    sim.run()
    return sim, bank


def main(days, customers=3000):
    checksum = 0
    times = []
    sim = bank = None
    for day in range(days):
        t0 = time.perf_counter()
        sim, bank = simulate_day(customers, 12345 + day * 7919)
        times.append(time.perf_counter() - t0)
        served = [t.served for t in bank.tellers]
        busy = [t.busy_time for t in bank.tellers]
        checksum = (checksum * 31 + bank.total_wait + bank.max_wait * 7 + sim.now
                    + sum(served[i] * (i + 1) for i in range(len(served)))
                    + sum(busy) + bank.queued_sum) % 1000000007
    print(bank.done, bank.business_done, bank.total_wait, bank.max_wait, bank.total_in_bank,
          sim.now, bank.longest_queue, bank.audits)
    print(" ".join("%s:%s:%d:%d" % (t.name, t.kind, t.served, t.busy_time) for t in bank.tellers))
    print(checksum)
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10)
