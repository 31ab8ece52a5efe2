"""The text results' goals, checked against the figures of a `vmd-eval text` report, so that
docs/results/text.md says which are met each time it is regenerated."""

from __future__ import annotations

AR_PPL_GOAL = 5.0
WORD_RATE_GOAL = 0.70
WORD_RATE_LEAD = 0.15
WORD_RATE_NFE = 2
PHRASE_VALID_GOAL = 0.99
PHRASE_TV_GOAL = 0.1
WHERE_TRIED = "[text-training.md, Where the goals stand](text-training.md#where-the-goals-stand)"


def _find(rows: list[dict], **want) -> dict | None:
    return next((r for r in rows if all(r.get(k) == v for k, v in want.items())), None)


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def _ppl(row: dict) -> str:
    return f"{row['relation']} {row['ppl']:.3f}"


def _bound_lines(rows: list[dict]) -> list[str]:
    lines = []
    ar = _find(rows, model="ar")
    if ar:
        lines.append(f"| AR perplexity <= {AR_PPL_GOAL} | {_ppl(ar)} | {_verdict(ar['ppl'] <= AR_PPL_GOAL)} |")
    for block in (4, 8):
        mdm, vmd = _find(rows, model="mdm", block=block), _find(rows, model="vmd", block=block)
        if mdm and vmd:
            gap = vmd["ppl"] / mdm["ppl"] - 1
            lines.append(f"| Block VMD below block MDM, block {block} | VMD {_ppl(vmd)}, MDM {_ppl(mdm)} "
                         f"({gap:+.1%}) | {_verdict(vmd['ppl'] < mdm['ppl'])} |")
    return lines


def _word_lines(words: list[dict]) -> list[str]:
    mdm = _find(words, model="mdm", block=4, nfe=WORD_RATE_NFE)
    vmd = _find(words, model="vmd", block=4, nfe=WORD_RATE_NFE)
    if not (mdm and vmd):
        return []
    lead = vmd["word_rate"] - mdm["word_rate"]
    met = vmd["word_rate"] >= WORD_RATE_GOAL and lead >= WORD_RATE_LEAD
    return [f"| word rate, block 4, {WORD_RATE_NFE} steps per block: VMD >= {WORD_RATE_GOAL:.0%} and "
            f">= {WORD_RATE_LEAD * 100:.0f} points above the MDM | VMD {vmd['word_rate']:.1%}, MDM {mdm['word_rate']:.1%} "
            f"({lead * 100:+.1f} points) | {_verdict(met)} |"]


def _phrase_lines(phrase: list[dict]) -> list[str]:
    vmd, mdm = _find(phrase, model="vmd", nfe=1), _find(phrase, model="mdm", nfe=1)
    lines = []
    if vmd:
        lines.append(f"| phrase pairs, VMD at NFE 1: >= {PHRASE_VALID_GOAL:.0%} valid | {vmd['valid_rate']:.1%} | "
                     f"{_verdict(vmd['valid_rate'] >= PHRASE_VALID_GOAL)} |")
        if "answer_tv" in vmd:
            lines.append(f"| phrase pairs, VMD's answer TV < {PHRASE_TV_GOAL} | {vmd['answer_tv']:.3f} "
                         f"(floor {vmd['answer_tv_floor']:.3f}) | {_verdict(vmd['answer_tv'] < PHRASE_TV_GOAL)} |")
    if mdm:
        # "Near" its prediction: within what 3 standard errors of a binomial rate allow, or half a point.
        n = mdm["samples"]
        p = mdm["independent_prediction"]
        slack = max(0.005, 3 * (p * (1 - p) / n) ** 0.5)
        near = abs(mdm["valid_rate"] - p) <= slack
        lines.append(f"| phrase pairs, MDM at NFE 1 near its independent-draw prediction | {mdm['valid_rate']:.1%} "
                     f"against {p:.1%} | {_verdict(near)} |")
    return lines


def targets_section(report: dict) -> list[str]:
    """Markdown lines: each goal, the figure that decides it and whether it is met ([] if none applies)."""
    found = (_bound_lines(report.get("rows", [])) + _word_lines(report.get("words", []))
             + _phrase_lines(report.get("phrase", [])))
    if not found:
        return []
    return ["## Goals", "", "| goal | figure | verdict |", "|---|---|---|", *found, "",
            f"What was tried toward the goals not met, and what they would take: {WHERE_TRIED}.", ""]
