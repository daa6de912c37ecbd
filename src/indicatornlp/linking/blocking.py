"""Blocking: the candidate pairs of distinct names, scored, without comparing every name with every other.

Character 1–3-gram TF-IDF vectors of the distinct names; each name's nearest neighbours by cosine come from a
sparse product computed in blocks of rows.  An n-gram shared by more than ``df_cap`` names (``满意度``) would make
the product quadratic (a mega-block), so its postings are cut into sub-blocks of ``df_cap`` names that sit next to
each other when names are sorted from their last character (Chinese indicator names end in their measure: 满意度,
及时率, 人次).  The cost is at most ``df_cap`` × the number of n-grams, linear in the number of names.  A
sorted-neighbourhood pass over the same order (``window``) adds the names that share an ending but whose other
n-grams differ.  Blocks run in this process or on a Dask cluster (``_dask_blocks``).

>>> a, b, score = _candidates(["群众满意度", "服务对象满意度", "培训人次"], neighbours=5, window=1, block_size=2,
...                           df_cap=400, weights=Weights(), jobs=1, backend="local", scheduler=None)
>>> a.tolist(), b.tolist(), score.tolist()
([0, 1], [1, 2], [86.09, 0.0])
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import LinkingError
from ..text import char_ngrams
from .scoring import Float, Int, Weights, _features, _measure_code, _mix, _reversed

if TYPE_CHECKING:  # pragma: no cover
    import scipy.sparse

DEFAULT_BLOCK_SIZE = 4096
"""Rows of the name matrix per block (one task on a Dask cluster)."""

DEFAULT_NEIGHBOURS = 20
"""Candidates kept per distinct name (the k of k nearest neighbours)."""

DEFAULT_WINDOW = 5
"""Sorted-neighbourhood window over names sorted from their last character."""

DEFAULT_DF_CAP = 400
"""Largest posting list of one n-gram inside a block product; longer ones are cut into sub-blocks."""


def _name_matrix(keys: Sequence[str], df_cap: int, suffix_rank: Int) -> scipy.sparse.csr_matrix:
    """TF-IDF char 1–3-gram rows, restricted to the 2- and 3-gram columns, each column longer than
    ``df_cap`` cut into sub-columns of names that are neighbours when sorted from their last character.

    Single characters (率, 数, 度 …) are shared by thousands of names and single out no neighbour: they
    weigh in the vector norms but do not make candidates.
    """
    import scipy.sparse

    x, terms = _tfidf(keys)
    longer = np.fromiter((len(t) > 1 for t in terms), dtype=bool, count=len(terms))
    x = x[:, np.flatnonzero(longer)].tocsc()
    df = np.diff(x.indptr)
    if df.size == 0 or df.max() <= df_cap:
        return x.tocsr()
    column = np.repeat(np.arange(df.size, dtype=np.int64), df)
    entries = np.lexsort((suffix_rank[x.indices], column))
    within = np.arange(x.nnz, dtype=np.int64) - x.indptr[column]
    subcolumns = (df + df_cap - 1) // df_cap
    offset = np.concatenate(([0], np.cumsum(subcolumns)[:-1]))
    new_column = offset[column] + within // df_cap
    return scipy.sparse.csr_matrix(
        (x.data[entries], (x.indices[entries], new_column)), shape=(len(keys), int(subcolumns.sum()))
    )


def _tfidf(keys: Sequence[str]) -> tuple[scipy.sparse.csr_matrix, list[str]]:
    """Character 1–3-gram TF-IDF rows of ``keys`` and the terms of their columns, in float32: what scikit-learn's
    ``TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, lowercase=False,
    dtype=np.float32)`` gives (terms sorted; smooth idf; 1 + log tf; rows scaled to unit length), with numpy only.

    >>> x, terms = _tfidf(["满意度", "满意率"])
    >>> terms[:4], x.shape, [round(float(v), 4) for v in (x.multiply(x)).sum(axis=1).A1]
    (['度', '意', '意度', '意率'], (2, 9), [1.0, 1.0])
    """
    import scipy.sparse

    grams = [char_ngrams(key, 1, 3) for key in keys]
    terms = sorted({g for row in grams for g in row})
    column = {term: j for j, term in enumerate(terms)}
    indptr = np.zeros(len(keys) + 1, dtype=np.int64)
    indices: list[int] = []
    counts: list[int] = []
    for i, row in enumerate(grams):
        counted: dict[int, int] = {}
        for g in row:
            j = column[g]
            counted[j] = counted.get(j, 0) + 1
        for j in sorted(counted):
            indices.append(j)
            counts.append(counted[j])
        indptr[i + 1] = len(indices)
    cols = np.asarray(indices, dtype=np.int64)
    data = np.asarray(counts, dtype=np.float32)
    df = np.bincount(cols, minlength=len(terms)).astype(np.float32) + np.float32(1)
    idf = np.full(len(terms), len(keys) + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += np.float32(1)
    np.log(data, out=data)
    data += np.float32(1)
    data *= idf[cols]
    lengths = np.diff(indptr)
    sums = np.zeros(len(keys), dtype=np.float64)
    filled = lengths > 0
    # the squares in float32, their sum in float64, as scikit-learn's normalize does
    sums[filled] = np.add.reduceat((data * data).astype(np.float64), indptr[:-1][filled])
    norms = np.sqrt(sums)
    norms[norms == 0.0] = 1.0
    data = (data / np.repeat(norms, lengths)).astype(np.float32)
    return scipy.sparse.csr_matrix((data, cols, indptr), shape=(len(keys), len(terms))), terms


def _suffix_order(keys: Sequence[str]) -> Int:
    """Indices of ``keys`` sorted from the last character backwards (names ending alike sit together)."""
    return np.asarray(sorted(range(len(keys)), key=lambda i: (_reversed(keys[i]), i)), dtype=np.int64)


_MIN_COSINE = 0.1
"""Candidates below this (partial) cosine are dropped before ranking: they share one rare bigram at most."""


def _block_candidates(
    start: int,
    stop: int,
    *,
    x: scipy.sparse.csr_matrix,
    xt: scipy.sparse.csr_matrix,
    keys: Sequence[str],
    codes: Int,
    neighbours: int,
    weights: Weights,
    workers: int,
) -> tuple[Int, Int, Float]:
    """The ``neighbours`` most similar names of rows ``start:stop``, as pairs (i < j) with name scores."""
    product = x[start:stop] @ xt
    row = np.repeat(np.arange(start, stop, dtype=np.int64), np.diff(product.indptr))
    col = product.indices.astype(np.int64)
    sim = product.data.astype(np.float64)
    keep = (col != row) & (sim >= _MIN_COSINE)
    row, col, sim = row[keep], col[keep], sim[keep]
    # best first within each row (a stable sort: ties stay in the product's column order)
    order = np.argsort((row - start) * 2.0 + (1.0 - np.minimum(sim, 1.0)), kind="stable")
    row, col = row[order], col[order]
    first = np.searchsorted(row, np.arange(start, stop + 1, dtype=np.int64))
    rank = np.arange(row.size) - np.repeat(first[:-1], np.diff(first))
    keep = rank < neighbours
    return _score_pairs(keys, codes, row[keep], col[keep], weights, workers)


def _score_pairs(
    keys: Sequence[str], codes: Int, a: Int, b: Int, weights: Weights, workers: int
) -> tuple[Int, Int, Float]:
    """Unique unordered pairs (i < j) of names in compared form (``codes``: their measure classes), scored."""
    n = len(keys)
    code = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    a, b = code // n, code % n
    features = _features([keys[i] for i in a], [keys[j] for j in b], codes[a], codes[b], workers)
    return a, b, _mix(features, weights)


def _window_candidates(
    keys: Sequence[str], codes: Int, order: Int, window: int, weights: Weights, workers: int
) -> tuple[Int, Int, Float]:
    """Sorted-neighbourhood pass: each name with the next ``window`` names in suffix order.

    Names that share their measure (…满意度, …及时率) but whose other n-grams differ are crowded out of each
    other's nearest neighbours by their own variants; this pass links neighbouring endings.
    """
    a = np.concatenate([order[:-d] for d in range(1, min(window, len(keys) - 1) + 1)])
    b = np.concatenate([order[d:] for d in range(1, min(window, len(keys) - 1) + 1)])
    return _score_pairs(keys, codes, a, b, weights, workers)


def _candidates(
    keys: list[str],
    *,
    neighbours: int,
    window: int,
    block_size: int,
    df_cap: int,
    weights: Weights,
    jobs: int,
    backend: str,
    scheduler: object,
) -> tuple[Int, Int, Float]:
    if len(keys) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    codes = np.fromiter((_measure_code(k) for k in keys), dtype=np.int64, count=len(keys))
    order = _suffix_order(keys)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys), dtype=np.int64)
    x = _name_matrix(keys, df_cap, rank)
    xt = x.T.tocsr()
    bounds = [(s, min(s + block_size, len(keys))) for s in range(0, len(keys), block_size)]
    block = functools.partial(_block_candidates, neighbours=neighbours, weights=weights)
    if backend == "dask":
        parts = _dask_blocks(block, {"x": x, "xt": xt, "keys": keys, "codes": codes}, bounds, scheduler)
    else:
        parts = [block(s, e, x=x, xt=xt, keys=keys, codes=codes, workers=jobs) for s, e in bounds]
    if window:
        parts.append(_window_candidates(keys, codes, order, window, weights, jobs))
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    names = np.concatenate([p[2] for p in parts])
    code, first = np.unique(a * len(keys) + b, return_index=True)
    return code // len(keys), code % len(keys), names[first]


def _dask_blocks(
    block: Any, shared: dict[str, Any], bounds: list[tuple[int, int]], scheduler: object
) -> list[tuple[Int, Int, Float]]:
    """Run ``block(start, stop, **shared, workers=1)`` for every bound on a Dask cluster; ``shared`` goes to
    every worker once (``scatter(broadcast=True)``)."""
    try:
        from distributed import Client
    except ImportError as err:  # pragma: no cover - the dask extra is not installed
        raise LinkingError(
            None, "backend 'dask' needs dask.distributed", hint="pip install 'indicatornlp[dask]'"
        ) from err
    client: Any
    if isinstance(scheduler, Client):
        client, own = scheduler, False
    elif isinstance(scheduler, str) and scheduler:
        try:
            client, own = Client(scheduler), True  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as err:
            raise LinkingError(
                scheduler, f"cannot reach the Dask scheduler ({err})", hint="start one or check the address"
            ) from err
    else:
        raise LinkingError(None, "backend 'dask' needs a scheduler", hint="give scheduler='tcp://host:8786'")
    try:
        names = list(shared)
        scattered = dict(zip(names, client.scatter([shared[n] for n in names], broadcast=True), strict=True))
        # the options go inside a partial: client.map takes some keywords for itself (workers=, key=)
        task = functools.partial(block, workers=1)
        starts, stops = [s for s, _ in bounds], [e for _, e in bounds]
        futures = client.map(task, starts, stops, pure=False, **scattered)
        result: list[tuple[Int, Int, Float]] = client.gather(futures)
        return result
    finally:
        if own:
            client.close()
