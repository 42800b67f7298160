"""Where the page's nodes sit and which of them carry a label: computed once, when the page is
written, so the page opens still (no physics) and its labels never pile on top of each other.

Everything here is deterministic (seeded) and its cost is bounded: a force layout runs only on
the `CORE` most connected nodes; every other node is placed beside the nodes it links to, and a
few cheap passes push apart nodes that landed on one another.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

CORE = 600  # nodes laid out by force (the forces are quadratic in them)
ITERATIONS = 120
SCREEN = (1280.0, 680.0)  # the canvas of a laptop screen below the toolbar, in pixels
# label font sizes in screen pixels at the fitted zoom, largest first; a label shows once its size
# on screen reaches DRAW_THRESHOLD (vis-network's scaling.label.drawThreshold), so the first three
# show at the fitted zoom and each further step needs about 1.4 times more zoom
LADDER = (18.0, 14.0, 11.0, 6.5, 5.0, 3.5, 2.5, 1.8, 1.3, 0.9, 0.65, 0.45)
DRAW_THRESHOLD = 8
GRAVITY = 0.15
# glyph widths of vis-network's sans-serif label font, per font size (Helvetica/Arial metrics,
# rounded up): an average width under-counts labels of wide letters (`MMBench`, `MMMU`) enough
# for two of them to touch
NARROW, WIDE = frozenset("fijlrtI.,:;'!|() -/"), frozenset("mwMW")
NARROW_WIDTH, WIDE_WIDTH, CAPITAL_WIDTH, LOWER_WIDTH = 0.34, 0.9, 0.72, 0.58
AVERAGE_WIDTH = 0.62  # the estimate the layout was tuned with: no label is measured narrower
LINE_HEIGHT = 1.3


def ranked(h: nx.Graph) -> list[Hashable]:
    """Nodes, most connected first (ties by id, so the order is reproducible)."""
    return [n for n, _ in sorted(h.degree(), key=lambda item: (-item[1], str(item[0])))]


def world_size(n: int) -> tuple[float, float]:
    """Half width and half height of the layout, in canvas units: the page's fitted zoom is about
    1 / spread, so a bigger graph is drawn bigger and read by zooming in."""
    spread = max(1.0, math.sqrt(n / 250))
    return SCREEN[0] / 2 * spread, SCREEN[1] / 2 * spread


def layout(h: nx.Graph, seed: int = 7) -> dict[Hashable, tuple[float, float]]:
    """Positions in canvas units, centred on 0, about the aspect of a laptop screen."""
    if h.number_of_nodes() == 0:
        return {}
    u = nx.Graph(h.to_undirected(as_view=True))
    u.remove_edges_from(nx.selfloop_edges(u))
    order = ranked(u)
    core = order[:CORE]
    pos = dict(zip(core, _force_layout(u, core, seed).astype(float), strict=True))
    spacing = _spacing(np.array([pos[n] for n in core]))
    _place_rest(u, order, pos, spacing)
    xy = np.array([pos[n] for n in order])
    xy = _separate(xy, _spacing(xy) * 0.6)
    xy -= (xy.max(axis=0) + xy.min(axis=0)) / 2
    extent = np.maximum(np.abs(xy).max(axis=0), 1e-9)
    half = np.array(world_size(len(order)))
    xy = xy / extent * half  # stretch to the screen's aspect: a wide picture fills a wide window
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(order, xy, strict=True)}


def _force_layout(u: nx.Graph, nodes: list, seed: int, iterations: int = ITERATIONS) -> np.ndarray:
    """ForceAtlas2's forces (repulsion between nodes grows with their degrees, so hubs keep apart
    and their leaves around them; linear attraction along links; gravity towards the centre) with
    a cooling step, dense in numpy: `nx.forceatlas2_layout` computes the same but is several
    times slower on a few hundred nodes."""
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    a = np.zeros((n, n), dtype=np.float32)
    for x, y in u.subgraph(nodes).edges():
        a[index[x], index[y]] = a[index[y], index[x]] = 1
    # a node's mass is its degree in the whole view, not among the nodes laid out here: a hub
    # whose many leaves are placed around it later keeps room for them
    mass = np.array([u.degree(v) + 1 for v in nodes], dtype=np.float32)
    masses = np.outer(mass, mass)
    rng = np.random.default_rng(seed)
    xy = (rng.uniform(-1, 1, (n, 2)) * math.sqrt(n) * 10).astype(np.float32)
    for step in range(iterations):
        dx = xy[:, 0, None] - xy[None, :, 0]
        dy = xy[:, 1, None] - xy[None, :, 1]
        d2 = dx * dx + dy * dy + 0.01
        f = masses / d2 - a  # repulsion m_i m_j / d along the unit vector, attraction d
        force = np.stack([(dx * f).sum(axis=1), (dy * f).sum(axis=1)], axis=1)
        # strong gravity (ForceAtlas2's option: it grows with the distance to the centre), so
        # that small disconnected parts stay near the rest instead of drifting to the edges
        force -= GRAVITY * mass[:, None] * xy
        length = np.linalg.norm(force, axis=1, keepdims=True) + 1e-6
        # cooling: a node moves at most `limit`, which shrinks to nothing over the iterations
        limit = (1 - step / iterations) * float(np.abs(xy).max()) * 0.1 + 1e-3
        xy += force * np.minimum(1.0, limit / length)
    return xy


def _spacing(xy: np.ndarray) -> float:
    """The median distance from a node to its nearest neighbour."""
    if len(xy) < 2:
        return 0.1
    distance, _ = cKDTree(xy).query(xy, k=2)
    return float(np.median(distance[:, 1])) or 0.1


GOLDEN = math.pi * (3 - math.sqrt(5))


def _place_rest(u: nx.Graph, order: list, pos: dict, spacing: float) -> None:
    """Put each node the force layout left out beside the placed nodes it links to: at their
    centre, on a sunflower spiral around it so that siblings do not stack (most connected first,
    breadth first from the core). A part of the graph that does not touch the core starts from
    its most connected node, on a spiral around the rest."""
    crowd: dict[tuple[float, float], int] = {}
    rank = {n: i for i, n in enumerate(order)}

    def put(node: Hashable, centre: np.ndarray) -> None:
        key = (round(float(centre[0]), 4), round(float(centre[1]), 4))
        i = crowd.get(key, 0)
        crowd[key] = i + 1
        r = spacing * 0.9 * math.sqrt(i + 1)
        pos[node] = centre + r * np.array([math.cos(i * GOLDEN), math.sin(i * GOLDEN)])

    def spread(seeds: Iterable[Hashable]) -> None:
        frontier = sorted({v for n in seeds for v in u[n] if v not in pos}, key=rank.__getitem__)
        while frontier:
            for node in frontier:
                put(node, np.mean([pos[v] for v in u[node] if v in pos], axis=0))
            frontier = sorted({v for n in frontier for v in u[n] if v not in pos}, key=rank.__getitem__)

    spread(list(pos))
    if len(pos) == len(order):
        return
    # the parts apart from the core: in rows under it (a ring around it would take most of the
    # screen and shrink the picture of the core)
    xy = np.array(list(pos.values()))
    (left, _), (right, bottom) = xy.min(axis=0), xy.max(axis=0)
    across, down = spacing * 3, spacing * 1.5
    columns = max(1, int((right - left) / across))
    for i, node in enumerate(n for n in order if n not in pos):
        row, column = divmod(i, columns)
        pos[node] = np.array([left + column * across, bottom + across + down * row])
        spread([node])


def _separate(xy: np.ndarray, gap: float, rounds: int = 4) -> np.ndarray:
    """Push apart pairs of nodes closer than `gap` (a few rounds; each is O(n log n))."""
    xy = xy.copy()
    for _ in range(rounds):
        pairs = cKDTree(xy).query_pairs(gap, output_type="ndarray")
        if len(pairs) == 0:
            break
        d = xy[pairs[:, 1]] - xy[pairs[:, 0]]
        dist = np.hypot(d[:, 0], d[:, 1])
        same = dist < 1e-9
        d[same] = np.array([gap, 0.0])  # stacked exactly: push apart sideways
        dist[same] = gap
        push = d / dist[:, None] * ((gap - dist) / 2)[:, None]
        np.subtract.at(xy, pairs[:, 0], push)
        np.add.at(xy, pairs[:, 1], push)
    return xy


def fitted_scale(pos: dict[Hashable, tuple[float, float]]) -> float:
    """The zoom at which the page first shows the whole layout on a `SCREEN`."""
    if not pos:
        return 1.0
    xy = np.array(list(pos.values()))
    width, height = (xy.max(axis=0) - xy.min(axis=0)) + 1e-9
    return min(1.0, SCREEN[0] / width, SCREEN[1] / height)


Box = tuple[float, float, float, float]  # left, top, right, bottom in canvas units


def text_width(label: str) -> float:
    """The width of `label` in font sizes: by its glyphs, never under AVERAGE_WIDTH a character."""
    return max(AVERAGE_WIDTH * len(label), sum(_glyph_width(c) for c in label))


def _glyph_width(c: str) -> float:
    if c in NARROW:
        return NARROW_WIDTH
    if c in WIDE:
        return WIDE_WIDTH
    return CAPITAL_WIDTH if c.isupper() else LOWER_WIDTH


def label_box(x: float, y: float, size: float, label: str, font: float) -> Box:
    """Where a node and its label sit: vis-network draws the label of a dot, square, diamond ...
    centred under the shape."""
    half = max(size, font * text_width(label) / 2 + 2)
    return (x - half, y - size, x + half, y + size + 3 + LINE_HEIGHT * font)


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def choose_labels(
    order: Sequence[Hashable],
    pos: dict[Hashable, tuple[float, float]],
    sizes: dict[Hashable, float],
    labels: dict[Hashable, str],
    scale: float,
) -> dict[Hashable, float]:
    """Font sizes (canvas units) of the labels to draw, chosen greedily, most connected first: the
    largest size the node's rank allows whose box (node and label) meets no box chosen before.
    Boxes are in canvas units, so two labels that do not overlap at one zoom overlap at none;
    vis-network hides a label until its size on screen reaches DRAW_THRESHOLD, so the hubs are
    named at the fitted zoom and smaller names appear as one zooms in. A node whose label fits at
    no size gets none (its name is in the tooltip and the panel)."""
    grid: dict[tuple[int, int], list[Box]] = {}
    cell = DRAW_THRESHOLD * 12 / scale  # about one label at the fitted zoom

    def cells(box: Box) -> list[tuple[int, int]]:
        x0, y0, x1, y1 = (math.floor(v / cell) for v in box)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    chosen: dict[Hashable, float] = {}
    for rank, node in enumerate(order):
        x, y = pos[node]
        # rank 0-9 may use the largest size, 10-29 the next, 30-69 the third ...
        first = min(int(math.log2(rank / 10 + 1)), len(LADDER) - 1)
        for px in LADDER[first:]:
            font = px / scale
            box = label_box(x, y, sizes[node], labels[node], font)
            if len(cells(box)) > 400:
                continue  # a label as big as the picture: try a smaller size
            if not any(overlaps(box, other) for c in cells(box) for other in grid.get(c, ())):
                chosen[node] = round(font, 2)
                for c in cells(box):
                    grid.setdefault(c, []).append(box)
                break
    return chosen
