"""Heap queue algorithm (the interface of CPython's heapq module, written in Python):
a min-heap kept in a list, where heap[k] <= heap[2k+1] and heap[k] <= heap[2k+2]."""

__all__ = ["heappush", "heappop", "heapify", "heapreplace", "merge",
           "nlargest", "nsmallest", "heappushpop"]


def _check_list(heap, name, only_argument=False):
    if not isinstance(heap, list):
        which = "argument" if only_argument else "argument 1"
        raise TypeError(f"{name}() {which} must be list, not {type(heap).__name__}")


def heappush(heap, item):
    _check_list(heap, "heappush")
    heap.append(item)
    _sift_down(heap, 0, len(heap) - 1)


def heappop(heap):
    _check_list(heap, "heappop", True)
    if not heap:
        raise IndexError("index out of range")
    last = heap.pop()
    if heap:
        top = heap[0]
        heap[0] = last
        _sift_up(heap, 0)
        return top
    return last


def heapreplace(heap, item):
    _check_list(heap, "heapreplace")
    if not heap:
        raise IndexError("index out of range")
    top = heap[0]
    heap[0] = item
    _sift_up(heap, 0)
    return top


def heappushpop(heap, item):
    _check_list(heap, "heappushpop")
    if heap and heap[0] < item:
        item, heap[0] = heap[0], item
        _sift_up(heap, 0)
    return item


def heapify(x):
    _check_list(x, "heapify", True)
    for i in reversed(range(len(x) // 2)):
        _sift_up(x, i)


def _sift_down(heap, start, pos):
    # Move the item at `pos` towards the root while it is smaller than its parent.
    item = heap[pos]
    while pos > start:
        parent_pos = (pos - 1) >> 1
        parent = heap[parent_pos]
        if item < parent:
            heap[pos] = parent
            pos = parent_pos
            continue
        break
    heap[pos] = item


def _sift_up(heap, pos):
    # Move the smaller child up until a leaf, then sift the item down into place
    # (fewer comparisons than stopping early, and the order CPython's heapq uses).
    end = len(heap)
    start = pos
    item = heap[pos]
    child = 2 * pos + 1
    while child < end:
        right = child + 1
        if right < end and not heap[child] < heap[right]:
            child = right
        heap[pos] = heap[child]
        pos = child
        child = 2 * pos + 1
    heap[pos] = item
    _sift_down(heap, start, pos)


def merge(*iterables, key=None, reverse=False):
    """Merges sorted inputs into one sorted iterator (stable: ties come out in the
    order of the inputs)."""
    entries = []
    for order, it in enumerate(map(iter, iterables)):
        for value in it:
            entries.append((value, order, it))
            break
    sign = -1 if reverse else 1

    def rank(entry):
        value, order, _ = entry
        return (key(value) if key is not None else value), sign * order

    while entries:
        if reverse:
            best = max(entries, key=rank)
        else:
            best = min(entries, key=rank)
        value, order, it = best
        yield value
        entries.remove(best)
        for nxt in it:
            entries.append((nxt, order, it))
            break


def nsmallest(n, iterable, key=None):
    """The n smallest items, like sorted(iterable, key=key)[:n]."""
    if n <= 0:
        return []
    return sorted(iterable, key=key)[:n]


def nlargest(n, iterable, key=None):
    """The n largest items, like sorted(iterable, key=key, reverse=True)[:n]."""
    if n <= 0:
        return []
    return sorted(iterable, key=key, reverse=True)[:n]
