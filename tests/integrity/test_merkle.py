"""RFC 9162 trees and proofs: transparency-dev's language-neutral vectors, and properties over random trees."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.integrity.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    Tree,
    hash_children,
    hash_leaf,
    root_from_inclusion,
    root_of,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parent / "vectors" / "transparency-dev"


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def _cases(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


@pytest.mark.parametrize("path", _cases("inclusion"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_inclusion_vectors(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    proof = [_b64(p) for p in case["proof"] or []]
    verdict = lambda: verify_inclusion(case["leafIdx"], case["treeSize"], _b64(case["leafHash"]), proof, _b64(case["root"]))  # noqa: E731
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verdict()
    else:
        verdict()


@pytest.mark.parametrize("path", _cases("consistency"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_consistency_vectors(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    proof = [_b64(p) for p in case["proof"] or []]
    verdict = lambda: verify_consistency(case["size1"], case["size2"], _b64(case["root1"]), _b64(case["root2"]), proof)  # noqa: E731
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verdict()
    else:
        verdict()


def test_the_vectors_are_all_there_with_their_mutations() -> None:
    inclusion, consistency = _cases("inclusion"), _cases("consistency")
    assert (len(inclusion), len(consistency)) == (98, 98)
    rejected = [p for p in inclusion + consistency if json.loads(p.read_text())["wantErr"]]
    assert len(rejected) == 184  # mutated proofs, sizes and roots, each of which must be refused
    assert (VECTORS / "LICENSE").is_file() and "417fb0c3" in (VECTORS / "README.md").read_text()


def test_hashing_follows_rfc_9162_domain_separation() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert hash_leaf(b"") == hashlib.sha256(b"\x00").digest()
    a, b = hash_leaf(b"a"), hash_leaf(b"b")
    assert hash_children(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    # Three leaves: the split is at 2, the largest power of two below 3.
    c = hash_leaf(b"c")
    assert root_of([a, b, c]) == hash_children(hash_children(a, b), c)
    assert root_of([]) == EMPTY_ROOT and root_of([a]) == a


def _reference_root(leaves: list[bytes]) -> bytes:
    """MTH written straight from RFC 9162 2.1.1, recursively, for comparison."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hash_children(_reference_root(leaves[:k]), _reference_root(leaves[k:]))


LEAVES = st.lists(st.binary(max_size=8), min_size=1, max_size=80, unique=True).map(lambda items: [hash_leaf(x) for x in items])


@settings(max_examples=60, deadline=None)
@given(LEAVES)
def test_roots_match_the_recursive_definition_at_every_size(leaves: list[bytes]) -> None:
    tree = Tree(leaves)
    compact = CompactRange()
    for size in range(len(leaves) + 1):
        assert compact.root() == tree.root(size) == _reference_root(leaves[:size])
        if size < len(leaves):
            compact.append(leaves[size])


@settings(max_examples=60, deadline=None)
@given(LEAVES, st.data())
def test_inclusion_proofs_verify_and_any_change_breaks_them(leaves: list[bytes], data: st.DataObject) -> None:
    tree = Tree(leaves)
    size = data.draw(st.integers(1, len(leaves)), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof, root = tree.inclusion_proof(index, size), tree.root(size)
    verify_inclusion(index, size, leaves[index], proof, root)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1), label="hash")
        bit = data.draw(st.integers(0, 255), label="bit")
        flipped = [*proof]
        flipped[at] = bytes(b ^ (1 << (bit % 8)) if i == bit // 8 else b for i, b in enumerate(flipped[at]))
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaves[index], flipped, root)
        with pytest.raises(ProofError):  # one hash too few
            verify_inclusion(index, size, leaves[index], proof[:-1], root)
    with pytest.raises(ProofError):  # an unconsumed element at the end
        verify_inclusion(index, size, leaves[index], [*proof, root], root)
    for other in range(index + 1, len(leaves) + 1):  # a size whose proof has another length: never accepted
        if len(tree.inclusion_proof(index, other)) != len(proof):
            with pytest.raises(ProofError):
                verify_inclusion(index, other, leaves[index], proof, root)
    if size > 1:
        with pytest.raises(ProofError):  # the right proof for another leaf
            verify_inclusion((index + 1) % size, size, leaves[index], proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, hash_leaf(b"forged"), proof, root)
    with pytest.raises(ProofError):
        root_from_inclusion(size, size, leaves[0], proof)


@settings(max_examples=60, deadline=None)
@given(LEAVES, st.data())
def test_consistency_proofs_verify_and_any_change_breaks_them(leaves: list[bytes], data: st.DataObject) -> None:
    tree = Tree(leaves)
    new = data.draw(st.integers(1, len(leaves)), label="new")
    old = data.draw(st.integers(1, new), label="old")
    proof = tree.consistency_proof(old, new)
    old_root, new_root = tree.root(old), tree.root(new)
    verify_consistency(old, new, old_root, new_root, proof)
    if old == new:
        assert proof == []
        with pytest.raises(ProofError):  # equal sizes, different roots
            verify_consistency(old, new, old_root, hash_leaf(b"x"), proof)
        with pytest.raises(ProofError):  # equal sizes take no proof
            verify_consistency(old, new, old_root, new_root, [old_root])
        return
    at = data.draw(st.integers(0, len(proof) - 1), label="hash")
    flipped = [*proof]
    flipped[at] = bytes([flipped[at][0] ^ 1]) + flipped[at][1:]
    with pytest.raises(ProofError):
        verify_consistency(old, new, old_root, new_root, flipped)
    with pytest.raises(ProofError):  # unconsumed proof elements
        verify_consistency(old, new, old_root, new_root, [*proof, new_root])
    with pytest.raises(ProofError):
        verify_consistency(old, new, old_root, new_root, proof[:-1])
    with pytest.raises(ProofError):  # a rewritten history: the old root of another tree
        verify_consistency(old, new, hash_leaf(b"rewritten"), new_root, proof)
    with pytest.raises(ProofError):  # the tree cannot shrink
        verify_consistency(new, old, new_root, old_root, proof)


def test_size_zero_edge_cases() -> None:
    leaves = [hash_leaf(bytes([i])) for i in range(5)]
    tree = Tree(leaves)
    assert tree.root(0) == EMPTY_ROOT and tree.consistency_proof(0, 5) == []
    with pytest.raises(ProofError, match="proves nothing"):
        verify_consistency(0, 5, EMPTY_ROOT, tree.root(), [])
    with pytest.raises(ProofError):
        verify_inclusion(0, 0, leaves[0], [], EMPTY_ROOT)
    with pytest.raises(ProofError):
        tree.inclusion_proof(5, 5)
    with pytest.raises(ProofError):
        tree.root(6)


def test_large_trees_keep_perfect_subtrees_and_agree_with_the_plain_root() -> None:
    leaves = [hash_leaf(i.to_bytes(4, "big")) for i in range(5000)]
    tree = Tree(leaves)
    root = tree.root()
    assert root == root_of(leaves)
    for index in (0, 1023, 1024, 4095, 4999):
        verify_inclusion(index, 5000, leaves[index], tree.inclusion_proof(index), root)
    verify_consistency(3000, 5000, tree.root(3000), root, tree.consistency_proof(3000))
    assert tree._kept  # the 1,024-leaf subtrees are kept for the next proof
