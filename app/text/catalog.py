"""Which checkpoints the Text tab uses, where they live and how the engine knows them.

Plain data, no Qt: a `CheckpointSlot` names one bundled file, the engine key it is loaded
under, the task and kind it must have, and the command that makes it when it is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CORPUS_HINT = "--corpus ../shared/data/tinyshakespeare.txt"
GENERATION_LANES: dict[str, tuple[str, str]] = {
    "mdm": ("MDM", "block masked diffusion"),
    "vmd": ("VMD", "block VMD, one z per block"),
    "ar": ("AR", "left to right, one character per step"),
}
PAIR_DATASETS: dict[str, str] = {"pair": "(k, k+1), k uniform", "pair-skewed": "(k, k+1), P(k) = (k+1)/55"}


@dataclass(frozen=True)
class CheckpointSlot:
    key: str  # the engine's name for the loaded model
    file: str  # the file name in resources/checkpoints
    task: str  # the task the checkpoint must declare
    kind: str | None  # "mdm" / "vmd" as declared; None accepts either (the AR is stored as an MDM)
    lane: str  # the column it is shown in: mdm, vmd or ar
    title: str
    make: str  # the command that trains it
    block: int = 0
    dataset: str = ""

    def path(self, folder: Path) -> Path:
        return folder / self.file


def _text_slot(lane: str, block: int) -> CheckpointSlot:
    if lane == "ar":
        return CheckpointSlot(
            "text/ar", "text-ar.safetensors", "text", None, "ar", "AR",
            f"vmd-train text --model ar {CORPUS_HINT}", block=1,
        )
    return CheckpointSlot(
        f"text/{lane}-b{block}", f"text-{lane}-b{block}.safetensors", "text", lane, lane,
        f"{lane.upper()} (block {block})", f"vmd-train text --model {lane} --block {block} {CORPUS_HINT}", block=block,
    )


GENERATION_SLOTS: tuple[CheckpointSlot, ...] = (
    _text_slot("mdm", 4), _text_slot("vmd", 4), _text_slot("mdm", 8), _text_slot("vmd", 8), _text_slot("ar", 1),
)
PHRASE_SLOTS: tuple[CheckpointSlot, ...] = tuple(
    CheckpointSlot(f"phrases/{kind}", f"phrases-{kind}.safetensors", "phrases", kind, kind, kind.upper(),
                   f"vmd-train phrases --model {kind}")
    for kind in ("mdm", "vmd")
)
DEPENDENCY_SLOTS: tuple[CheckpointSlot, ...] = tuple(
    CheckpointSlot(
        f"synthetic/{dataset}-{kind}", f"synthetic-{dataset}-B1-{kind}.safetensors", "synthetic", kind, kind,
        kind.upper(), f"vmd-train synthetic --dataset {dataset} --blocks 1", dataset=dataset,
    )
    for dataset in PAIR_DATASETS
    for kind in ("mdm", "vmd")
)
ALL_SLOTS: tuple[CheckpointSlot, ...] = GENERATION_SLOTS + PHRASE_SLOTS + DEPENDENCY_SLOTS
SLOT_BY_KEY: dict[str, CheckpointSlot] = {slot.key: slot for slot in ALL_SLOTS}


def generation_slot(lane: str, block: int) -> CheckpointSlot:
    return SLOT_BY_KEY["text/ar" if lane == "ar" else f"text/{lane}-b{block}"]


def text_blocks() -> tuple[int, ...]:
    """The block sizes the bundled block models come in."""
    return tuple(sorted({s.block for s in GENERATION_SLOTS if s.lane != "ar"}))


def present(slots: tuple[CheckpointSlot, ...], folder: Path) -> tuple[CheckpointSlot, ...]:
    return tuple(s for s in slots if s.path(folder).is_file())


def missing(slots: tuple[CheckpointSlot, ...], folder: Path) -> tuple[CheckpointSlot, ...]:
    return tuple(s for s in slots if not s.path(folder).is_file())


def describe_missing(slots: tuple[CheckpointSlot, ...], folder: Path, what: str) -> str:
    """One plain-text line naming the missing files, or '' when nothing is missing."""
    gone = missing(slots, folder)
    if not gone:
        return ""
    head = f"No {what} checkpoint is bundled" if len(gone) == len(slots) else "Not bundled"
    return f"{head}: {', '.join(s.file for s in gone)}."
