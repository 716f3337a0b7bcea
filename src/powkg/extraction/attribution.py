"""Who the article says stated each sentence: 'writes Zelenskyy', 'according to the Coordination
Headquarters', 'the statement says' (the speaker named before), '"...," the post said'.

A quotation is credited as a whole to the speaker named right after its closing mark or right
before its opening mark; other sentences to the agent next to their speech verb. A speech verb
with no agent beside it ('the department stated', 'By his count') refers back to the last speaker.
"""

from __future__ import annotations

from collections.abc import Sequence

from .language import Language, lowercase_text
from .matching import Mention
from .segmenting import Sentence, quotations


def _agent_near_cue(text: str, start: int, end: int, agents: Sequence[Mention], lang: Language,
                    last: str | None) -> tuple[bool, str | None]:
    """(whether ``text[start:end]`` has a speech cue, the agent it credits)."""
    # Only the offsets of the cues are read: the lowercase text has the same (Language.finds).
    low = lowercase_text(text)
    speech = lang.speech if low is None else lang.lowered("speech")
    cues = list(speech.finditer(text if low is None else low, start, end))
    if not cues:
        return False, None
    anaphor = lang.speech_anaphor if low is None else lang.lowered("speech_anaphor")
    inside = [a for a in agents if a.start >= start and a.end <= end]
    if inside:
        def distance(agent: Mention) -> int:
            return min(abs(agent.start - cue.end()) if agent.start >= cue.end() else abs(cue.start() - agent.end)
                       for cue in cues)
        best = min(inside, key=distance)
        if distance(best) <= 120:
            return True, best.term_of("agent").key  # type: ignore[union-attr]
    if any(anaphor.search(text if low is None else low, max(start, cue.start() - 40), min(end, cue.end() + 40))
           for cue in cues):
        return True, last
    return True, None


def attribute(text: str, sentences: Sequence[Sentence], agents: Sequence[Mention], lang: Language
              ) -> list[str | None]:
    """The agent key credited with each sentence, or None."""
    result: list[str | None] = [None] * len(sentences)
    last: str | None = None
    quote_of: dict[int, str | None] = {}
    by_line: dict[int, list[int]] = {}
    for index, sentence in enumerate(sentences):
        by_line.setdefault(sentence.line, []).append(index)
    for indices in by_line.values():
        first, final = sentences[indices[0]], sentences[indices[-1]]
        for q_start, q_end in quotations(text, first.start, final.end):
            owner = next(i for i in indices if sentences[i].start <= q_end <= sentences[i].end + 1
                         or sentences[i].end >= q_end)
            opener = next(i for i in indices if sentences[i].end >= q_start)
            after = _agent_near_cue(text, q_end, sentences[owner].end, agents, lang, None)
            before = _agent_near_cue(text, sentences[opener].start, q_start, agents, lang, None)
            speaker = after[1] or before[1]
            anaphoric = (after[0] or before[0]) and speaker is None
            for i in indices:
                if q_start <= sentences[i].start < q_end:
                    quote_of[i] = "\x00anaphor" if anaphoric else speaker
    for index, sentence in enumerate(sentences):
        if index in quote_of:
            speaker = quote_of[index]
            result[index] = last if speaker == "\x00anaphor" else speaker
            if speaker and speaker != "\x00anaphor":
                last = speaker
            continue
        has_cue, speaker = _agent_near_cue(text, sentence.start, sentence.end, agents, lang, last)
        if has_cue and speaker:
            result[index] = speaker
            last = speaker
    return result
