"""Board-game search: two copies of a depth-limited negamax with alpha-beta pruning
play a game of connect four (7 columns by 6 rows) against each other. The board is a
flat list with a height per column; moves are made and undone in place, and the
position's Zobrist key and heuristic score (each run of four cells counted per player)
are kept up to date as they are; a transposition dict of (depth, score, bound, best
move) entries orders the moves and cuts the search. So it measures small integer
arithmetic, list indexing, small function calls, tuple building and unpacking, dict
lookups and recursion. An iteration is one move's search; prints the game's moves, the
nodes searched and the sizes of the transposition tables."""
import sys
import time

from _report import report_time_per_iteration


COLUMNS = 7
ROWS = 6
WIN = 1000000
EXACT, LOWER, UPPER = 0, 1, 2
# Centre columns first: better moves early mean more cut-offs.
MOVE_ORDER = (3, 2, 4, 1, 5, 0, 6)
# A window's worth by how many of its cells one player holds (four: a won game, which
# the search scores itself).
WINDOW_SCORES = (0, 1, 8, 40, 0)


def build_windows():
    """Every run of four cells in a line (a window), as tuples of cell indices (index =
    column * ROWS + row), and for each cell the indices of the windows through it."""
    windows = []
    for col in range(COLUMNS):
        for row in range(ROWS):
            for dc, dr in ((1, 0), (0, 1), (1, 1), (1, -1)):
                end_col = col + 3 * dc
                end_row = row + 3 * dr
                if 0 <= end_col < COLUMNS and 0 <= end_row < ROWS:
                    windows.append(tuple((col + k * dc) * ROWS + row + k * dr for k in range(4)))
    through = [[] for _ in range(COLUMNS * ROWS)]
    for index, window in enumerate(windows):
        for cell in window:
            through[cell].append(index)
    return windows, [tuple(ws) for ws in through]


WINDOWS, WINDOWS_THROUGH = build_windows()


def window_value(mine, theirs):
    """A window's worth to the player holding `mine` of its cells."""
    if theirs == 0:
        return WINDOW_SCORES[mine]
    if mine == 0:
        return -WINDOW_SCORES[theirs]
    return 0


class Board:
    """The cells (0 empty, 1 or 2 a player's piece), the column heights, and kept up to
    date by play and undo: the Zobrist key, each window's piece count per player and
    the heuristic score from player 1's point of view."""

    def __init__(self):
        self.cells = [0] * (COLUMNS * ROWS)
        self.heights = [0] * COLUMNS
        self.moves = 0
        self.key = 0
        self.counts = ([0] * len(WINDOWS), [0] * len(WINDOWS), [0] * len(WINDOWS))
        self.score = 0
        # Zobrist keys from a fixed linear congruential sequence (62-bit values).
        state = 20240607
        self.zobrist = []
        for _ in range(COLUMNS * ROWS):
            keys = [0]
            for _ in range(2):
                value = 0
                for _ in range(4):
                    state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
                    value = (value << 16) | (state >> 48)
                keys.append(value >> 2)
            self.zobrist.append(tuple(keys))

    def player(self):
        """1 or 2: whose move it is."""
        return 1 + (self.moves & 1)

    def can_play(self, col):
        return self.heights[col] < ROWS

    def play(self, col):
        """Drops the side to move's piece into `col`; returns whether it won."""
        cell = col * ROWS + self.heights[col]
        who = 1 + (self.moves & 1)
        self.cells[cell] = who
        self.heights[col] += 1
        self.moves += 1
        self.key ^= self.zobrist[cell][who]
        ones, twos = self.counts[1], self.counts[2]
        mine = self.counts[who]
        delta = 0
        won = False
        for w in WINDOWS_THROUGH[cell]:
            before = window_value(ones[w], twos[w])
            mine[w] += 1
            if mine[w] == 4:
                won = True
            delta += window_value(ones[w], twos[w]) - before
        self.score += delta
        return won

    def undo(self, col):
        self.heights[col] -= 1
        cell = col * ROWS + self.heights[col]
        who = self.cells[cell]
        self.cells[cell] = 0
        self.moves -= 1
        self.key ^= self.zobrist[cell][who]
        ones, twos = self.counts[1], self.counts[2]
        mine = self.counts[who]
        delta = 0
        for w in WINDOWS_THROUGH[cell]:
            before = window_value(ones[w], twos[w])
            mine[w] -= 1
            delta += window_value(ones[w], twos[w]) - before
        self.score += delta

    def evaluate(self):
        """The heuristic score from the side to move's point of view."""
        return self.score if self.moves & 1 == 0 else -self.score


class Searcher:
    def __init__(self, board):
        self.board = board
        self.table = {}
        self.nodes = 0

    def ordered_moves(self, first):
        board = self.board
        moves = [col for col in MOVE_ORDER if board.can_play(col)]
        if first in moves and moves[0] != first:
            moves.remove(first)
            moves.insert(0, first)
        return moves

    def negamax(self, depth, alpha, beta):
        self.nodes += 1
        board = self.board
        alpha_in = alpha
        entry = self.table.get(board.key)
        first = -1
        if entry is not None:
            e_depth, e_score, e_bound, first = entry
            if e_depth >= depth:
                if e_bound == EXACT:
                    return e_score
                if e_bound == LOWER:
                    if e_score > alpha:
                        alpha = e_score
                elif e_score < beta:
                    beta = e_score
                if alpha >= beta:
                    return e_score
        if depth == 0:
            return board.evaluate()
        best = -WIN * 2
        best_move = -1
        for col in self.ordered_moves(first):
            if board.play(col):
                score = WIN + depth
            elif board.moves == COLUMNS * ROWS:
                score = 0
            else:
                score = -self.negamax(depth - 1, -beta, -alpha)
            board.undo(col)
            if score > best:
                best = score
                best_move = col
                if score > alpha:
                    alpha = score
                    if alpha >= beta:
                        break
        if best <= alpha_in:
            bound = UPPER
        elif best >= beta:
            bound = LOWER
        else:
            bound = EXACT
        self.table[board.key] = (depth, best, bound, best_move)
        return best

    def best_move(self, depth):
        """Iterative deepening up to `depth`; returns (column, score)."""
        move = score = None
        for d in range(1, depth + 1):
            score = self.negamax(d, -WIN * 2, WIN * 2)
            move = self.table[self.board.key][3]
            if score >= WIN or score <= -WIN:
                break
        return move, score


def main(depth):
    board = Board()
    searchers = (Searcher(board), Searcher(board))
    played = []
    times = []
    outcome = "draw"
    while board.moves < COLUMNS * ROWS:
        searcher = searchers[board.moves & 1]
        t0 = time.perf_counter()
        col, score = searcher.best_move(depth)
        times.append(time.perf_counter() - t0)
        who = board.player()
        won = board.play(col)
        played.append(col)
        if won:
            outcome = "player %d wins" % who
            break
    print("".join(str(col) for col in played), outcome)
    print(searchers[0].nodes, searchers[1].nodes, len(searchers[0].table),
          len(searchers[1].table))
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 6)
