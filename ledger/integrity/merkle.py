"""RFC 9162 Merkle trees: hashing, tree heads, inclusion and consistency proofs, and their verification.

SHA-256 with the RFC's domain separation: a leaf is H(0x00 || data), an interior node H(0x01 || left
|| right), the empty tree H(""). The tree over n leaves splits at the largest power of two below n,
so every left subtree is perfect. The algorithms below follow RFC 9162 sections 2.1.1 to 2.1.4;
transparency-dev's language-neutral test vectors check them (tests/integrity/vectors).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or that is malformed for the sizes it claims."""


def hash_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size): enough to extend the tree and give its root.

    Appending costs one hash per merge (amortised one per leaf); memory is one hash per bit of the size.
    """

    def __init__(self) -> None:
        self.size = 0
        self._nodes: list[bytes] = []  # perfect subtree roots, largest first

    @classmethod
    def from_nodes(cls, size: int, nodes: Sequence[bytes]) -> CompactRange:
        """The range a tree of `size` leaves left (its `nodes`); ProofError when they cannot be one."""
        if size < 0 or len(nodes) != size.bit_count() or any(len(n) != HASH_SIZE for n in nodes):
            raise ProofError(
                f"a tree of {size} leaves has {size.bit_count() if size >= 0 else 0} subtree roots, not {len(nodes)}"
            )
        found = cls()
        found.size, found._nodes = size, list(nodes)
        return found

    @property
    def nodes(self) -> tuple[bytes, ...]:
        return tuple(self._nodes)

    def append(self, leaf_hash: bytes) -> None:
        node, size = leaf_hash, self.size
        while size & 1:
            node = hash_children(self._nodes.pop(), node)
            size >>= 1
        self._nodes.append(node)
        self.size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for leaf in leaf_hashes:
            self.append(leaf)

    def root(self) -> bytes:
        if not self._nodes:
            return EMPTY_ROOT
        node = self._nodes[-1]
        for left in reversed(self._nodes[:-1]):
            node = hash_children(left, node)
        return node


def root_of(leaf_hashes: Iterable[bytes]) -> bytes:
    """MTH over these leaf hashes (RFC 9162 2.1.1)."""
    compact = CompactRange()
    compact.extend(leaf_hashes)
    return compact.root()


class Tree:
    """A tree over stored leaf hashes, giving heads and proofs for any size up to len(leaves).

    Hashes of perfect subtrees of 1,024 leaves or more are kept once computed, so several proofs
    over one tree cost little more than the first.
    """

    KEEP = 1024

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = leaves
        self._kept: dict[tuple[int, int], bytes] = {}

    def __len__(self) -> int:
        return len(self.leaves)

    def hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]), the tree over that slice taken on its own."""
        n = end - start
        if n <= 0:
            return EMPTY_ROOT
        if n == 1:
            return self.leaves[start]
        if n <= self.KEEP:
            return root_of(self.leaves[start:end])
        key = (start, end)
        found = self._kept.get(key)
        if found is None:
            k = _split(n)
            found = hash_children(self.hash(start, start + k), self.hash(start + k, end))
            if n & (n - 1) == 0:
                self._kept[key] = found
        return found

    def root(self, size: int | None = None) -> bytes:
        return self.hash(0, len(self) if size is None else self._size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 9162 2.1.3.1): from the leaf's sibling up to the root's child."""
        size = len(self) if size is None else self._size(size)
        if not 0 <= index < size:
            raise ProofError(f"leaf index {index} is outside a tree of {size} leaves")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                path.append(self.hash(start + k, end))
                end = start + k
            else:
                path.append(self.hash(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:new_size]) (RFC 9162 2.1.4.1)."""
        new_size = len(self) if new_size is None else self._size(new_size)
        if not 0 <= old_size <= new_size:
            raise ProofError(f"consistency from {old_size} to {new_size} leaves: the old size must not exceed the new")
        if old_size in (0, new_size):
            return []
        proof: list[bytes] = []
        start, end, m, whole = 0, new_size, old_size, True
        while True:
            n = end - start
            if m == n:
                if not whole:
                    proof.append(self.hash(start, end))
                break
            k = _split(n)
            if m <= k:
                proof.append(self.hash(start + k, end))
                end = start + k
            else:
                proof.append(self.hash(start, start + k))
                start, m, whole = start + k, m - k, False
        proof.reverse()
        return proof

    def _size(self, size: int) -> int:
        if not 0 <= size <= len(self):
            raise ProofError(f"tree size {size}: only {len(self)} leaves are stored")
        return size


def root_from_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2), or ProofError when it cannot be a proof."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size} leaves")
    _check_hashes([leaf_hash, *proof])
    fn, sn, node = index, size - 1, leaf_hash
    for sibling in proof:
        if sn == 0:
            raise ProofError("the proof has more hashes than the tree has levels")
        if fn & 1 or fn == sn:
            node = hash_children(sibling, node)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = hash_children(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof has fewer hashes than the tree has levels")
    return node


def verify_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise ProofError unless `proof` shows leaf `index` of the tree of `size` leaves with `root` is `leaf_hash`."""
    if root_from_inclusion(index, size, leaf_hash, proof) != root:
        raise ProofError(f"inclusion proof for leaf {index} leads to another root than the tree of {size} leaves has")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Raise ProofError unless the tree of `new_size` leaves (`new_root`) extends the one of `old_size` (`old_root`).

    As transparency-dev's verifier does, a proof from the empty tree is refused: it would prove
    nothing, and a caller holding an empty old tree needs no proof.
    """
    if new_size < old_size:
        raise ProofError(f"consistency from {old_size} to {new_size} leaves: the tree cannot shrink")
    if old_size == 0:
        raise ProofError("consistency from the empty tree proves nothing; compare the roots instead")
    _check_hashes(proof)
    if old_size == new_size:
        if proof:
            raise ProofError("equal sizes take an empty consistency proof")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}")
        return
    if not proof:
        raise ProofError(f"consistency from {old_size} to {new_size} leaves needs a proof")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof has more hashes than it can use")
        if fn & 1 or fn == sn:
            first, second = hash_children(node, first), hash_children(node, second)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = hash_children(second, node)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof has fewer hashes than it needs")
    if first != old_root:
        raise ProofError(f"the consistency proof does not lead to the old root of {old_size} leaves")
    if second != new_root:
        raise ProofError(f"the consistency proof does not lead to the new root of {new_size} leaves")


def _check_hashes(hashes: Iterable[bytes]) -> None:
    for value in hashes:
        if len(value) != HASH_SIZE:
            raise ProofError(f"a hash of {len(value)} bytes where SHA-256 gives {HASH_SIZE}")
