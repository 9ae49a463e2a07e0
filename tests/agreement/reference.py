#!/usr/bin/python3
"""Reference values for Bagel's agreement statistics (core/audit/agreement.h).

Each fixture is a units x raters table of value indices (None: the rater did not rate the unit),
optionally with one set of class indices per value (a set-valued field). The expected values
come from the libraries Debian ships:

  Cohen's kappa        sklearn.metrics.cohen_kappa_score (unweighted)
  Fleiss' kappa        statsmodels.stats.inter_rater.fleiss_kappa(table, method='fleiss')
  Krippendorff's alpha nltk.metrics.agreement.AnnotationTask(data, distance).alpha()
                       with nltk.metrics.distance.binary_distance or masi_distance

and, where no library computes the statistic or a library's convention differs from Bagel's
documented definition (docs/agreement.md), from that definition; every stored value says which
("source"). A value a library cannot compute (NaN, or an exception on degenerate data) is stored
as null: Bagel reports "not defined" there.

  reference.py --write PATH   compute every fixture and write the JSON file
  reference.py --check PATH   compute again and compare with the file: exit 1, naming the
                              fixture and the statistic, when a value differs by more than
                              1e-9 or a stored fixture differs from the one defined here

Run it with Debian's /usr/bin/python3 (python3-sklearn, python3-statsmodels, python3-nltk).
"""

import argparse
import json
import math
import random
import sys
import warnings

import numpy as np
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, masi_distance
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

TOLERANCE = 1e-9
FORMAT_VERSION = 1

# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


def from_counts(rows):
    """A table from per-unit category counts (rater j of a unit gives its j-th rating in
    category order; Fleiss' kappa and alpha do not depend on which rater gave which rating)."""
    matrix = []
    for counts in rows:
        row = []
        for value, count in enumerate(counts):
            row.extend([value] * count)
        matrix.append(row)
    return matrix


def random_table(seed, units, raters, values, missing=0.0, agreement=None, min_ratings=0):
    """A seeded random table. Uses only random.random(), whose sequence Python guarantees
    across versions for the same seed. With agreement p each rating copies the unit's
    'true' value with probability p, else is uniform."""
    rng = random.Random(seed)

    def pick(k):
        return min(int(rng.random() * k), k - 1)

    matrix = []
    for _ in range(units):
        truth = pick(values)
        row = []
        for _ in range(raters):
            if rng.random() < missing:
                row.append(None)
            elif agreement is not None and rng.random() < agreement:
                row.append(truth)
            else:
                row.append(pick(values))
        rated = [i for i, v in enumerate(row) if v is not None]
        while len(rated) < min_ratings:
            i = pick(raters)
            if row[i] is None:
                row[i] = pick(values)
                rated.append(i)
        matrix.append(row)
    return matrix


def random_sets(seed, count, classes, min_size, max_size):
    """count distinct sorted sets of class indices."""
    rng = random.Random(seed)
    sets = []
    seen = set()
    while len(sets) < count:
        size = min_size + min(int(rng.random() * (max_size - min_size + 1)), max_size - min_size)
        s = set()
        while len(s) < size:
            s.add(min(int(rng.random() * classes), classes - 1))
        key = tuple(sorted(s))
        if key not in seen:
            seen.add(key)
            sets.append(list(key))
    return sets


# Fleiss (1971), Table 1 as given in statsmodels' tests: 30 patients, 6 psychiatrists,
# 5 diagnoses (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other);
# here diagnosis d is value d - 1. Fleiss reports kappa = 0.430.
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]

# The Wikipedia example of Fleiss' kappa: 10 subjects, 14 raters, 5 categories, as counts
# (kappa = 0.210).
WIKIPEDIA_COUNTS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def fixtures():
    f = []

    def add(name, comment, matrix, values, sets=None):
        raters = len(matrix[0])
        assert all(len(row) == raters for row in matrix)
        fixture = {"name": name, "comment": comment, "raters": raters, "values": values, "matrix": matrix}
        if sets is not None:
            assert len(sets) == values
            fixture["sets"] = sets
        f.append(fixture)

    add("fleiss1971", "Fleiss (1971) Table 1: 30 units, 6 raters, 5 values, complete",
        [[d - 1 for d in row] for row in FLEISS_1971], 5)
    add("wikipedia_fleiss", "The Wikipedia example of Fleiss' kappa: 10 units, 14 raters, complete",
        from_counts(WIKIPEDIA_COUNTS), 5)
    add("random_complete_small", "random, 12 units x 3 raters x 3 values, complete",
        random_table(101, 12, 3, 3), 3)
    add("random_complete_agreeing", "random with 70% agreement, 200 units x 5 raters x 4 values, complete",
        random_table(102, 200, 5, 4, agreement=0.7), 4)
    add("random_complete_uniform", "random uniform, 500 units x 4 raters x 4 values, complete",
        random_table(103, 500, 4, 4), 4)
    add("random_missing_small", "random with 60% agreement and 30% missing, 40 units x 4 raters x 3 values",
        random_table(104, 40, 4, 3, missing=0.3, agreement=0.6), 3)
    add("random_missing_medium", "random with 50% agreement and 25% missing, 300 units x 5 raters x 4 values",
        random_table(105, 300, 5, 4, missing=0.25, agreement=0.5), 4)
    add("random_missing_large", "random with 40% agreement and 40% missing, 1500 units x 6 raters x 5 values",
        random_table(106, 1500, 6, 5, missing=0.4, agreement=0.4), 5)
    add("random_unequal_counts",
        "random with 30% missing but at least 3 ratings per unit; the pairable units do not all "
        "have the same count, so Fleiss' kappa uses Bagel's generalisation (not applicable here)",
        random_table(107, 80, 4, 3, missing=0.3, agreement=0.6, min_ratings=3), 3)
    add("one_rating_units",
        "units with one rating and a unit with none besides complete units of 3 ratings: the "
        "pairable units all have 3 ratings, so statsmodels applies to them",
        [[0, 0, 1], [1, None, None], [2, 2, 2], [None, None, None], [1, 2, 1], [None, 0, None], [0, 0, 0],
         [2, 1, 2]], 3)

    sets = random_sets(201, 12, 6, 1, 3)
    add("sets_masi", "a set-valued field: 12 distinct non-empty sets over 6 classes, 60 units x 4 raters, "
        "20% missing; alpha with the MASI distance",
        random_table(202, 60, 4, 12, missing=0.2, agreement=0.5), 12, sets)
    add("sets_masi_complete", "a set-valued field: 8 distinct sets over 4 classes, 30 units x 3 raters, complete",
        random_table(203, 30, 3, 8, agreement=0.4), 8, random_sets(204, 8, 4, 1, 3))
    add("sets_with_empty",
        "a set-valued field with the empty set as a value: NLTK's masi_distance divides by zero "
        "for two empty sets; Bagel defines that distance as 0, and so does the reference here",
        random_table(205, 40, 3, 5, missing=0.1, agreement=0.5), 5, [[], [0], [0, 1], [1, 2], [2]])

    add("one_value_everywhere", "every rating is the same value: nothing to agree on by chance",
        [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]], 2)
    add("one_value_in_pairable_units",
        "every pairable unit has value 0; value 1 occurs only in a unit with one rating",
        [[0, 0, 0], [0, 0, None], [None, 1, None], [0, 0, 0]], 2)
    add("single_unit", "one unit, 3 raters", [[0, 1, 1]], 2)
    add("no_overlap_pair", "raters 0 and 1 never rate the same unit; rater 2 rates all",
        [[0, None, 0], [1, None, 1], [None, 0, 1], [None, 1, 1], [0, None, 1], [None, 0, 0]], 2)
    add("all_disagree", "every rater of every unit gives a different value",
        [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1]], 3)
    add("no_pairable_unit", "no unit has two ratings", [[0, None, None], [None, 1, None], [None, None, 0]], 2)
    add("perfect_agreement", "every pairable unit is rated the same by all, with two values in use",
        [[0, 0, 0], [1, 1, 1], [None, 1, None], [0, 0, 0], [1, 1, 1]], 2)
    add("perfect_agreement_missing", "perfect agreement with a missing rating: unequal counts",
        [[0, 0, 0], [1, 1, 1], [0, 0, 0], [1, 1, None]], 2)
    return f


# ---------------------------------------------------------------------------------------------
# Reference computations
# ---------------------------------------------------------------------------------------------


def quiet(fn, *args, **kwargs):
    """fn's result as a float, or None when it is NaN/inf or raises on degenerate data."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            value = float(fn(*args, **kwargs))
        except (ValueError, ZeroDivisionError, FloatingPointError, IndexError):
            return None
    return value if math.isfinite(value) else None


def masi_or_zero(a, b):
    """NLTK's masi_distance, with 0 for two empty sets (NLTK divides by zero there)."""
    if not a and not b:
        return 0.0
    return masi_distance(a, b)


def stat(value, source, reason=None):
    out = {"value": value, "source": source}
    if reason:
        out["reason"] = reason
    return out


def reference(fixture):
    matrix = fixture["matrix"]
    raters = fixture["raters"]
    values = fixture["values"]
    sets = fixture.get("sets")
    pairable = [row for row in matrix if sum(v is not None for v in row) >= 2]
    counts = [sum(v is not None for v in row) for row in pairable]

    out = {"units": len(pairable), "ratings": sum(counts)}

    # Percent agreement: mean over pairable units of the share of agreeing ordered rater pairs.
    if pairable:
        shares = []
        for row in pairable:
            rated = [v for v in row if v is not None]
            m = len(rated)
            agreeing = sum(rated.count(v) * (rated.count(v) - 1) for v in set(rated))
            shares.append(agreeing / (m * (m - 1)))
        out["percent_agreement"] = stat(sum(shares) / len(shares), "definition")
    else:
        out["percent_agreement"] = stat(None, "definition", "no unit with two ratings")

    # Fleiss' kappa: statsmodels needs the same number of ratings in every unit.
    if not pairable:
        out["fleiss_kappa"] = stat(None, "definition", "no unit with two ratings")
    elif len(set(counts)) == 1:
        table = np.zeros((len(pairable), values))
        for u, row in enumerate(pairable):
            for v in row:
                if v is not None:
                    table[u, v] += 1
        out["fleiss_kappa"] = stat(quiet(fleiss_kappa, table, method="fleiss"),
                                   "statsmodels.stats.inter_rater.fleiss_kappa(method='fleiss')")
    else:
        out["fleiss_kappa"] = stat(None, "not applicable",
                                   "units have different numbers of ratings; statsmodels needs equal counts")

    # Krippendorff's alpha with NLTK.
    def label(v):
        return frozenset(sets[v]) if sets is not None else v

    data = [(r, u, label(v)) for u, row in enumerate(matrix) for r, v in enumerate(row) if v is not None]
    distance = masi_or_zero if sets is not None else binary_distance
    distance_name = "masi_distance" if sets is not None else "binary_distance"
    if sets is not None and any(len(s) == 0 for s in sets):
        distance_name = "masi_distance, 0 for two empty sets"
    labels = {label_ for _, _, label_ in data}
    if len(labels) == 1:
        # NLTK returns 1.0 by convention when one label value occurs in the whole data. Bagel
        # follows Krippendorff: with a single value the expected disagreement is 0 and alpha is
        # not defined. Stored from the definition, not from NLTK.
        out["krippendorff_alpha"] = stat(None, "definition",
                                         "one value only: expected disagreement 0 (NLTK returns 1.0 by convention)")
    elif not data:
        out["krippendorff_alpha"] = stat(None, "definition", "no ratings")
    else:
        task = AnnotationTask(data=data, distance=distance)
        out["krippendorff_alpha"] = stat(quiet(task.alpha),
                                         f"nltk AnnotationTask.alpha() with {distance_name}")

    # Rater pairs: units both rated, percent agreement, Cohen's kappa.
    pairs = []
    for a in range(raters):
        for b in range(a + 1, raters):
            both = [(row[a], row[b]) for row in matrix if row[a] is not None and row[b] is not None]
            pair = {"a": a, "b": b, "units": len(both)}
            if both:
                y1 = [x for x, _ in both]
                y2 = [y for _, y in both]
                pair["percent_agreement"] = stat(sum(x == y for x, y in both) / len(both), "definition")
                pair["cohen_kappa"] = stat(quiet(cohen_kappa_score, y1, y2),
                                           "sklearn.metrics.cohen_kappa_score")
            else:
                pair["percent_agreement"] = stat(None, "definition", "no unit rated by both")
                pair["cohen_kappa"] = stat(quiet(cohen_kappa_score, [], []), "sklearn.metrics.cohen_kappa_score",
                                           "no unit rated by both")
            pairs.append(pair)
    out["pairs"] = pairs
    return out


def build():
    out = []
    for fixture in fixtures():
        entry = dict(fixture)
        entry["expected"] = reference(fixture)
        out.append(entry)
    return {
        "about": "Expected agreement statistics for tests/agreement_test.cpp, written by "
                 "tests/agreement/reference.py --write; see that script for the sources.",
        "version": FORMAT_VERSION,
        "tolerance": TOLERANCE,
        "fixtures": out,
    }


# ---------------------------------------------------------------------------------------------
# --check
# ---------------------------------------------------------------------------------------------


def dump(obj, indent=0):
    """JSON with one line per matrix row and per statistic."""
    pad = " " * indent
    inner = " " * (indent + 1)
    flat = json.dumps(obj)
    if len(flat) <= 100 or not isinstance(obj, (dict, list)):
        return flat
    if isinstance(obj, list):
        if all(not isinstance(x, (dict, list)) for x in obj):
            return flat
        return "[\n" + ",\n".join(inner + dump(x, indent + 1) for x in obj) + "\n" + pad + "]"
    return "{\n" + ",\n".join(f"{inner}{json.dumps(k)}: {dump(v, indent + 1)}" for k, v in obj.items()) + "\n" + pad + "}"


def compare_stat(errors, where, name, stored, fresh):
    if not isinstance(stored, dict) or "value" not in stored:
        errors.append(f"{where}: {name}: missing in the stored file")
        return
    s, r = stored["value"], fresh["value"]
    if s is None or r is None:
        if s is not r:
            errors.append(f"{where}: {name}: stored {s}, reference {r}")
    elif not isinstance(s, (int, float)) or abs(s - r) > TOLERANCE:
        errors.append(f"{where}: {name}: stored {s!r}, reference {r!r} (difference above {TOLERANCE})")
    if stored.get("source") != fresh["source"]:
        errors.append(f"{where}: {name}: stored source {stored.get('source')!r}, expected {fresh['source']!r}")


def check(stored, fresh):
    errors = []
    if stored.get("version") != fresh["version"]:
        errors.append(f"version: stored {stored.get('version')}, expected {fresh['version']}")
    stored_fixtures = {f.get("name"): f for f in stored.get("fixtures", [])}
    fresh_names = [f["name"] for f in fresh["fixtures"]]
    for name in stored_fixtures:
        if name not in fresh_names:
            errors.append(f"{name}: stored fixture is not defined in reference.py")
    for f in fresh["fixtures"]:
        name = f["name"]
        s = stored_fixtures.get(name)
        if s is None:
            errors.append(f"{name}: fixture missing from the stored file")
            continue
        for key in ("raters", "values", "matrix", "sets"):
            if s.get(key) != f.get(key):
                errors.append(f"{name}: stored fixture differs ({key})")
        se, fe = s.get("expected", {}), f["expected"]
        for key in ("units", "ratings"):
            if se.get(key) != fe[key]:
                errors.append(f"{name}: {key}: stored {se.get(key)}, reference {fe[key]}")
        for key in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha"):
            compare_stat(errors, name, key, se.get(key), fe[key])
        spairs = se.get("pairs", [])
        if len(spairs) != len(fe["pairs"]):
            errors.append(f"{name}: pairs: stored {len(spairs)}, reference {len(fe['pairs'])}")
            continue
        for sp, fp in zip(spairs, fe["pairs"]):
            where = f"{name} pair ({fp['a']},{fp['b']})"
            if (sp.get("a"), sp.get("b")) != (fp["a"], fp["b"]):
                errors.append(f"{where}: stored pair ({sp.get('a')},{sp.get('b')})")
                continue
            if sp.get("units") != fp["units"]:
                errors.append(f"{where}: units: stored {sp.get('units')}, reference {fp['units']}")
            for key in ("percent_agreement", "cohen_kappa"):
                compare_stat(errors, where, key, sp.get(key), fp[key])
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="PATH")
    mode.add_argument("--check", metavar="PATH")
    args = parser.parse_args()

    fresh = build()
    if args.write:
        with open(args.write, "w", encoding="utf-8") as f:
            f.write(dump(fresh) + "\n")
        print(f"wrote {len(fresh['fixtures'])} fixtures to {args.write}")
        return 0

    with open(args.check, encoding="utf-8") as f:
        stored = json.load(f)
    errors = check(stored, fresh)
    for e in errors:
        print(f"MISMATCH {e}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} mismatch(es) in {args.check}", file=sys.stderr)
        return 1
    print(f"{len(fresh['fixtures'])} fixtures match the reference libraries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
