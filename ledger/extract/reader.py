"""Reading one sentence: which of its numbers are casualty figures, of whom, with what outcome,
said by whom, how firmly, and what totals include.

Every rule is a lookup in the versioned rule tables (ruleset.py); this module only says how they
combine. A number becomes a figure only when the sentence links it to victims and an outcome; a
sentence with casualty words it cannot link is reported as unread, never guessed at.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ledger.domain.quantity import BoundKind, Quantity, reread
from ledger.domain.readings import ENTRY_TABLE
from ledger.domain.stance import read_stance
from ledger.domain.vocabulary import ROOT_STATUS, status_parent
from ledger.extract.proposals import ProposedPart
from ledger.extract.ruleset import ClaimantRule, Outcome, Rules
from ledger.extract.text import Sentence, Token, tokenize

_LONGEST_QUANTITY = 7  # tokens: "between twenty-one and thirty five"
_OUTCOME_WINDOW = 14  # tokens between victims and their outcome, at most
_PART_OPENERS = (
    ("including",), ("among", "them"), ("among", "whom"), ("of", "whom"), ("among", "the", "dead"),
    ("among", "the", "deceased"), ("among", "the", "victims"), ("among", "the", "injured"), ("among", "those"),
    ("which", "included"), ("who", "included"), ("out", "of", "whom"),
)  # fmt: skip
_INHERIT = frozenset({"others", "them", "more", "other"})
_LIVES_VERBS = frozenset({"claimed", "claiming", "claim", "claims", "took", "taking", "cost", "costing"})
_ONE = frozenset({"a", "an", "one"})
# Words that join victims to later ones sharing their outcome: "five soldiers and three civilians
# were killed", "41 people, including 14 security personnel, were killed".
_JOINERS = frozenset({",", "and", "or", "including", "among", "them", "whom"})


@attrs.frozen
class Attribution:
    start: int  # token indices of the claimant's words
    end: int
    rule: ClaimantRule
    words: str  # as written


@attrs.frozen
class ReadFigure:
    victim_status: str
    outcome: str
    quantity: Quantity
    span: tuple[int, int]  # character offsets of the number's words in the part
    stance: str
    attribution: Attribution | None
    includes: tuple[ProposedPart, ...] = ()
    women: int | None = None
    children: int | None = None
    doubts: tuple[str, ...] = ()
    token: int = 0  # where its number stands in the sentence's tokens


@attrs.frozen
class SentenceReading:
    figures: tuple[ReadFigure, ...]
    unread: str | None  # why the sentence could not be read confidently, if so
    attributions: tuple[Attribution, ...]


@attrs.frozen
class _Read:
    figure: ReadFigure | None  # None: the number is linked to no outcome
    outcome_tokens: list[int]
    victims_end: int
    noun: bool  # the number names victims ("five soldiers")
    part_lead: bool = False  # read after "the dead included": may be a part of a total before it


@attrs.frozen
class _Victims:
    end: int  # the token after the victims' words
    status: str | None = None
    sub: str | None = None  # "women" or "children" when the noun is one
    outcome: Outcome | None = None  # an outcome noun after them ("deaths")
    inherit: bool = False  # "three others": the status of the figure before
    partitive: bool = False  # "several of the injured": no figure of its own


@attrs.frozen
class _Number:
    i: int  # token indices
    j: int
    quantity: Quantity


class SentenceReader:
    def __init__(self, rules: Rules, sentence: Sentence) -> None:
        self.rules = rules
        self.sentence = sentence
        self.tokens: list[Token] = tokenize(sentence.text, sentence.start)
        self.norms = [t.norm for t in self.tokens]
        self.segment = self._segments()
        self.numbers = self._numbers()
        self.at_number = {n.i: n for n in self.numbers}
        self.attributions = self._attributions()
        # Outcome verbs right before a number are that number's ("militants killed two soldiers"):
        # they are not the outcome of anyone before them.
        self.transitive: set[int] = set()
        for n in self.numbers:
            if (found := rules.before.ending(self.norms, n.i)) is not None:
                self.transitive.update(range(found[0], n.i))

    # --- the pieces -------------------------------------------------------------------------

    def _segments(self) -> list[int]:
        """A clause number per token: clauses break at ';' and words such as 'while' or 'but'."""
        out, current = [], 0
        for norm in self.norms:
            if norm in self.rules.clause_breaks:
                current += 1
            out.append(current)
        return out

    def _numbers(self) -> list[_Number]:
        """Every quantity phrase, the longest at each place, left to right, as the ledger's grammar reads it."""
        found, i, n = [], 0, len(self.tokens)
        while i < n:
            best = None
            if (self.tokens[i].is_word or self.norms[i] == "~") and self.norms[i] not in self.rules.never_start:
                for j in range(min(n, i + _LONGEST_QUANTITY), i, -1):
                    if not self._contiguous(i, j) or self.norms[j - 1] in ("of", "-"):
                        continue
                    quantity = reread(self._words(i, j), ENTRY_TABLE)
                    if quantity is not None:
                        best = _Number(i, j, quantity)
                        break
            if best is not None and _is_count(best, self.tokens, self.rules):
                found.append(best)
                i = best.j
            else:
                i += 1
        return found

    def _contiguous(self, i: int, j: int) -> bool:
        """Tokens i..j form one phrase: words separated by spaces or joined by '-' or '+'."""
        for k in range(i, j):
            if not (self.tokens[k].is_word or self.norms[k] in ("-", "+", "~")):
                return False
            if k > i and self.tokens[k].start - self.tokens[k - 1].end > 1:
                return False
        return True

    def _attributions(self) -> list[Attribution]:
        rules, norms, found = self.rules, self.norms, []
        i = 0
        while i < len(norms):
            hit = rules.claimants.at(norms, i)
            if hit is None:
                i += 1
                continue
            end, rule = hit
            longer = rules.claimants.at(norms, i + 1)
            if longer is not None and longer[0] > end:  # "the military's media wing", not "the military"
                i += 1
                continue
            if self._cued(i, end):
                found.append(Attribution(i, end, rule, self._words(i, end)))  # type: ignore[arg-type]
            i = end
        return found

    def _cued(self, start: int, end: int) -> bool:
        """A claimant's words next to a verb of saying: 'police said', 'according to police', 'said an official'."""
        rules, norms = self.rules, self.norms
        k, skipped = end, 0
        while k < len(norms) and skipped <= 7:
            if rules.cues_after.at(norms, k) is not None:
                return True
            if norms[k - 1] == "and" and (other := rules.claimants.at(norms, k)) is not None:
                k = other[0]  # "police and residents said": both are cued
                continue
            if norms[k] not in rules.fillers and norms[k] not in ("'s", ","):
                break
            k, skipped = k + 1, skipped + (norms[k] != ",")
        k, skipped = start, 0
        while k > 0 and skipped <= 3:
            if rules.cues_before.ending(norms, k) is not None:
                return True
            if norms[k - 1] not in rules.fillers and norms[k - 1] != ",":
                break
            k, skipped = k - 1, skipped + 1
        return False

    # --- one number -------------------------------------------------------------------------

    def _victims(self, k: int) -> _Victims:
        """Who a number counts, from the words after it: the victims' status (and sub-count field), an
        outcome noun ("12 civilian deaths"), whether it stands for the status before ("three others")."""
        rules, norms, n = self.rules, self.norms, len(self.norms)
        group, inherit, start = None, False, k
        while k < n:
            if (g := rules.groups.at(norms, k)) is not None:
                group, k = g[1], g[0]
                continue
            if norms[k] in _INHERIT and rules.nouns.at(norms, k) is None:
                inherit, k = True, k + 1
                continue
            if (norms[k],) in rules.modifiers and rules.adjectives.at(norms, k) is None:
                k += 1
                continue
            break
        # "several of the injured", "12 of those killed": a part of victims counted elsewhere, no figure.
        partitive = "of" in norms[start:k] and rules.nouns.at(norms, k) is None
        if (adj := rules.adjectives.at(norms, k)) is not None and (on := rules.outcome_nouns.at(norms, adj[0])):
            return _Victims(on[0], _grouped(str(adj[1]), group), None, on[1], False, partitive)  # type: ignore[arg-type]
        if (noun := rules.nouns.at(norms, k)) is not None:
            status = _grouped(str(noun[1]), group)
            field = rules.subcounts.at(norms, k)
            sub = str(field[1]) if field is not None and field[0] == noun[0] else None
            inherit = inherit or norms[k] == "others"
            if (on := rules.outcome_nouns.at(norms, noun[0])) is not None:  # "12 civilian deaths", "five police deaths"
                return _Victims(on[0], status, sub, on[1], inherit)  # type: ignore[arg-type]
            return _Victims(noun[0], status, sub, None, inherit)
        if group is not None:  # "five BLA were killed"
            return _Victims(k, f"militant/{group}")
        if (on := rules.outcome_nouns.at(norms, k)) is not None:  # "12 deaths"
            return _Victims(on[0], None, None, on[1], inherit, partitive)  # type: ignore[arg-type]
        return _Victims(
            k, None, None, None, inherit, partitive or (k < n and rules.after.at(norms, k) is not None and "of" in norms[start:k])
        )

    def _outcome_after(self, k: int, tight: bool) -> tuple[Outcome, int, int] | None:
        """The first outcome phrase after token k in the same clause that is the victims' own."""
        rules, norms = self.rules, self.norms
        limit = min(len(norms), k + (4 if tight else _OUTCOME_WINDOW))
        p = k
        while p < limit:
            if norms[p] in (".", ";", ":", "?", "!") or self.segment[p] != self.segment[k - 1 if k else 0]:
                return None
            # Another number's victims take the outcome after them, unless only "and" or a comma
            # joins them to these ("five soldiers and three civilians were killed").
            if p in self.at_number and any(norms[q] not in _JOINERS for q in range(k, p)):
                return None
            hit = rules.after.at(norms, p)
            if hit is not None:
                end, outcome = hit
                perpetrated = any(norms[q] in rules.perpetrator for q in range(max(k, p - 2), p))
                if p not in self.transitive and not perpetrated:
                    return outcome, p, end  # type: ignore[return-value]
                p = end
                continue
            if tight and norms[p] not in rules.auxiliaries:
                return None
            p += 1
        return None

    def read(self) -> SentenceReading:
        figures: list[ReadFigure] = []
        consumed: set[int] = set()
        used_outcomes: set[int] = set()
        loose: list[str] = []
        of_the_total: ReadFigure | None = None
        previous: tuple[ReadFigure, int, bool] | None = None  # the last figure, where its victims end, part lead
        for number in self.numbers:
            if number.i in consumed:
                continue
            read = self._figure(number, figures)
            joined = previous is not None and all(n in (",", "and", "or") for n in self.norms[previous[1] : number.i])
            if read is not None and read.figure is None and read.noun and joined:
                # One of a list sharing an outcome: "killing 12 soldiers and three civilians".
                assert previous is not None
                read = self._figure(number, figures, Outcome(previous[0].outcome, "list"), previous[2])
            if read is None or read.figure is None:
                if read is not None and read.noun:
                    loose.append(self._words(number.i, read.victims_end))
                continue
            figure = read.figure
            used_outcomes.update(read.outcome_tokens)
            total = next((f for f in reversed(figures) if f.outcome == figure.outcome), None)
            if read.part_lead and total is not None and _below(figure.victim_status, total.victim_status):
                # "..., adding that the dead included two constables": a part of the total before.
                part = ProposedPart(figure.victim_status, figure.quantity.text, *figure.span)
                figures[figures.index(total)] = attrs.evolve(total, includes=(*total.includes, part))
                previous = (figure, read.victims_end, True)
                continue
            after_outcome = max([read.victims_end, *(t + 1 for t in read.outcome_tokens)])
            figure, part_numbers = self._with_parts(figure, read.victims_end, after_outcome)
            consumed.update(part_numbers)
            figures.append(figure)
            previous = (figure, read.victims_end, read.part_lead)
            if self.norms[max(0, number.i - 2) : number.i] in (["of", "the"], ["of", "these"], ["of", "those"]):
                of_the_total = figure
        figures = self._of_the_parts(figures, consumed, of_the_total)
        reason = self._unread_reason(figures, used_outcomes, loose)
        return SentenceReading(tuple(figures), reason, tuple(self.attributions))

    def _figure(
        self, number: _Number, earlier: Sequence[ReadFigure], given: Outcome | None = None, part_lead: bool = False
    ) -> _Read | None:
        """The figure a number gives, if the sentence links it to victims and an outcome."""
        q = number.quantity
        if not q.is_quantified or (q.high == 0 and not self.norms[number.i][:1].isdigit() and self.norms[number.i] != "zero"):
            return None
        rules, norms, i = self.rules, self.norms, number.i
        victims = self._victims(number.j)
        end, status = victims.end, victims.status
        if victims.partitive and status is None:
            return None
        outcome, outcome_tokens = given, []
        if outcome is None and victims.outcome is not None:
            outcome, outcome_tokens = victims.outcome, [end - 1]
        if outcome is None and (lead := rules.lead.ending(norms, i)) is not None:
            outcome, outcome_tokens = lead[1], list(range(lead[0], i))  # type: ignore[assignment]
            part_lead = rules.part_leads.ending(norms, i) is not None
            # "the tally of militant fatalities reaching 216": the status stands before the lead.
            if status is None and (adjective := self._adjective_before(lead[0], i)) is not None:
                status = adjective
        if outcome is None and (before := rules.before.ending(norms, i)) is not None:
            outcome, outcome_tokens = before[1], list(range(before[0], i))  # type: ignore[assignment]
        lives = status is not None and norms[end - 1] == "lives" and i and norms[i - 1] in _LIVES_VERBS
        if outcome is None and lives:
            outcome, outcome_tokens = Outcome("killed", "before"), [i - 1]
        if outcome is None and (toll := self._toll(i)) is not None:
            outcome, outcome_tokens = toll
        if outcome is None and (found := self._outcome_after(end, tight=status is None)) is not None:
            outcome, outcome_tokens = found[0], list(range(found[1], found[2]))
        if outcome is None:
            return _Read(None, [], end, status is not None)
        if status is None or victims.inherit:
            # "three others", "two were abducted": the victims named last in the clause.
            named = [self._victims(n.j).status for n in self.numbers if n.i < i and self.segment[n.i] == self.segment[i]]
            named = [s for s in named if s is not None] + [
                f.victim_status for f in earlier if f.token < i and self.segment[f.token] == self.segment[i]
            ][-1:]
            status = named[-1] if named else (status or ROOT_STATUS)
        doubts: list[str] = []
        attribution = self._attribution_for(i, doubts)
        exact = q.low if q.low == q.high else None
        figure = ReadFigure(
            victim_status=status,
            outcome=str(outcome.outcome),
            quantity=q,
            span=(self.tokens[i].start, self.tokens[number.j - 1].end),
            stance=self._stance(i, attribution),
            attribution=attribution,
            women=exact if victims.sub == "women" else None,
            children=exact if victims.sub == "children" else None,
            doubts=tuple(doubts),
            token=i,
        )
        return _Read(figure, outcome_tokens, end, True, part_lead)

    def _adjective_before(self, start: int, end: int) -> str | None:
        for k in range(end, start - 1, -1):
            if (found := self.rules.adjectives.ending(self.norms, k)) is not None:
                return str(found[1])
        return None

    def _toll(self, i: int) -> tuple[Outcome, list[int]] | None:
        """A toll's number: "the death toll from Friday's bombing rose to 38", "put the number of injured at 50"."""
        rules, norms = self.rules, self.norms
        rise = rules.toll_rises_right_after.ending(norms, i)
        if rise is not None and (toll := rules.tolls.ending(norms, rise[0])) is not None:
            return toll[1], list(range(toll[0], i))  # type: ignore[return-value]
        rise = rules.toll_rises.ending(norms, i)
        if rise is None:
            return None
        for k in range(rise[0], max(0, rise[0] - 12), -1):
            if self.segment[k - 1] != self.segment[i]:
                break
            if (toll := rules.tolls.ending(norms, k)) is not None:
                return toll[1], [*range(toll[0], k), *range(rise[0], i)]  # type: ignore[return-value]
        return None

    def _attribution_for(self, at: int, doubts: list[str]) -> Attribution | None:
        """The claimant the sentence gives for a number: in its own clause if any, else the nearest."""
        if not self.attributions:
            return None
        same = [a for a in self.attributions if self.segment[a.start] == self.segment[at]]
        pool = same or self.attributions
        keys = {a.rule.key for a in pool}
        if len(keys) > 1 and same:
            doubts.append("two claimants in one clause: " + ", ".join(sorted(keys)))
            return None
        return min(pool, key=lambda a: min(abs(a.start - at), abs(a.end - at)))

    def _stance(self, at: int, attribution: Attribution | None) -> str:
        """How the number's clause puts it: the ledger's stance words, read in its clause (and the
        clause of its attribution, "According to hospital sources, ..., while seven were injured")."""
        clauses = {self.segment[at], self.segment[attribution.start] if attribution else self.segment[at]}
        clause = [t for t, s in zip(self.tokens, self.segment, strict=True) if s in clauses]
        text = self.sentence.text[clause[0].start - self.sentence.start : clause[-1].end - self.sentence.start]
        stance = read_stance(text)
        return stance.value if stance else "stated"

    # --- totals and their parts ---------------------------------------------------------------

    def _opener(self, k: int) -> int | None:
        """The token after a parts opener ("including", "among them") at k (commas skipped), if one is there."""
        while k < len(self.norms) and self.norms[k] == ",":
            k += 1
        opener = next((o for o in _PART_OPENERS if tuple(self.norms[k : k + len(o)]) == o), None)
        return None if opener is None else k + len(opener)

    def _with_parts(self, figure: ReadFigure, victims_end: int, after_outcome: int) -> tuple[ReadFigure, list[int]]:
        """A total's named parts: "41 people, including 14 security personnel", "including two women"."""
        norms = self.norms
        k = self._opener(victims_end)
        if k is None:
            k = self._opener(after_outcome)
        # "245 fatalities in the first half of the year, including 96 civilians": later in the clause,
        # before any other number.
        scan = victims_end
        while k is None and scan < len(norms) and self.segment[scan] == self.segment[victims_end - 1]:
            if scan in self.at_number:
                break
            k = self._opener(scan) if norms[scan] in (",", "including", "among", "of", "which", "who", "out") else None
            scan += 1
        if k is None:
            return figure, []
        parts: list[ProposedPart] = []
        numbers: list[int] = []
        women, children = figure.women, figure.children
        while k < len(norms):
            if norms[k] in (",", "and"):
                k += 1
                continue
            number = self.at_number.get(k)
            if number is None and norms[k] in _ONE and self.rules.subcounts.at(norms, k + 1):
                field = self.rules.subcounts.at(norms, k + 1)
                assert field is not None
                if field[1] == "women":
                    women = (women or 0) + 1
                else:
                    children = (children or 0) + 1
                k = field[0]
                continue
            if number is None:
                break
            victims = self._victims(number.j)
            end, status, sub = victims.end, victims.status, victims.sub
            exact = number.quantity.low if number.quantity.low == number.quantity.high else None
            if sub is not None and exact is not None and figure.victim_status in (ROOT_STATUS, "civilian"):
                women, children = (exact + (women or 0), children) if sub == "women" else (women, exact + (children or 0))
            elif status is not None and _below(status, figure.victim_status):
                span = (self.tokens[number.i].start, self.tokens[number.j - 1].end)
                parts.append(ProposedPart(status, number.quantity.text, *span))
            else:
                break
            numbers.append(number.i)
            k = end
        return attrs.evolve(figure, includes=tuple(parts), women=women, children=children), numbers

    def _of_the_parts(self, figures: list[ReadFigure], consumed: set[int], total: ReadFigure | None) -> list[ReadFigure]:
        """ "Of the 112 people killed, 64 were civilians, 31 security personnel...": the later numbers
        with a status below the total's and no outcome of their own are its parts."""
        if total is None:
            return figures
        parts = list(total.includes)
        for number in self.numbers:
            if number.i in consumed or self.tokens[number.i].start <= total.span[1]:
                continue
            if any(f.span[0] == self.tokens[number.i].start for f in figures):
                continue
            k = number.j
            if k < len(self.norms) and self.norms[k] in ("were", "was", "are", "is"):
                k += 1
            victims = self._victims(k)
            status = victims.status
            if status is not None and victims.outcome is None and _below(status, total.victim_status):
                span = (self.tokens[number.i].start, self.tokens[number.j - 1].end)
                parts.append(ProposedPart(status, number.quantity.text, *span))
        if len(parts) == len(total.includes):
            return figures
        return [attrs.evolve(f, includes=tuple(parts)) if f is total else f for f in figures]

    # --- what could not be read ---------------------------------------------------------------

    def _unread_reason(self, figures: list[ReadFigure], used: set[int], loose: list[str]) -> str | None:
        rules, norms = self.rules, self.norms
        outcomes = []
        for table in (rules.after, rules.before, rules.outcome_nouns):
            k = 0
            while k < len(norms):
                hit = table.at(norms, k)
                if hit is None:
                    k += 1
                    continue
                if not used.intersection(range(k, hit[0])):
                    outcomes.append(self._words(k, hit[0]))
                k = hit[0]
        doubts = sorted({d for f in figures for d in f.doubts})
        if doubts:
            return "; ".join(doubts)
        if figures and any(n.quantity.kind is BoundKind.UNQUANTIFIED for n in self.numbers):
            return "casualties mentioned without a number, beside the figures read"
        if loose and outcomes:
            return f"a number not linked to its outcome: {loose[0]!r}"
        if figures:
            return None
        if any(n.quantity.kind is BoundKind.UNQUANTIFIED for n in self.numbers) or "casualties" in norms:
            return "casualties mentioned without a number"
        if outcomes:
            return f"an outcome ({outcomes[0]!r}) without a number the ledger reads"
        return None

    def _words(self, i: int, j: int) -> str:
        j = max(j, i + 1)
        return self.sentence.text[self.tokens[i].start - self.sentence.start : self.tokens[j - 1].end - self.sentence.start]


def _grouped(status: str, group: str | None) -> str:
    return f"militant/{group}" if group and status == "militant" else status


def _below(status: str, total: str) -> bool:
    """Whether a status lies strictly below another in the victim-status tree."""
    parent = status_parent(status)
    while parent is not None:
        if parent == total:
            return True
        parent = status_parent(parent)
    return False


def _is_count(number: _Number, tokens: Sequence[Token], rules: Rules) -> bool:
    """Not a year, a date, a time, an age, a unit or a label (the words around it say so)."""
    i, j = number.i, number.j
    norms = [t.norm for t in tokens]
    after = norms[j] if j < len(norms) else ""
    before = norms[i - 1] if i else ""
    # A colon marks a time ("11:30") only when it touches the number; "QUETTA: At least 12" is a count.
    if after in rules.not_count_after and (after != ":" or tokens[j].start == tokens[j - 1].end):
        return False
    if before in rules.not_count_before and (before != ":" or tokens[i - 1].end == tokens[i].start):
        return False
    word = norms[i]
    return not (word.isdigit() and len(word) == 4 and 1900 <= int(word) <= 2100 and j - i == 1)
