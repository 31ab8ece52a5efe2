"""Positional schemes: where each token sits and how positions relate, per layout."""

from __future__ import annotations

import torch
from torch import nn

from .config import ModelConfig
from .fastpath import inference_path

# Relation ids for the sudoku attention bias: a pair of cells is "self", shares a row, a
# column, a box (but neither row nor column), or is unrelated. Row/column pairs inside the
# same box keep their row/column id so the heads can tell the three kinds of peers apart.
SELF, SAME_ROW, SAME_COL, SAME_BOX, UNRELATED = range(5)
N_RELATIONS = 5


def sudoku_coordinates() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    cells = torch.arange(81)
    rows, cols = cells // 9, cells % 9
    boxes = (rows // 3) * 3 + cols // 3
    return rows, cols, boxes


def sudoku_relations() -> torch.Tensor:
    rows, cols, boxes = sudoku_coordinates()
    rel = torch.full((81, 81), UNRELATED, dtype=torch.long)
    rel[boxes[:, None] == boxes[None, :]] = SAME_BOX
    rel[cols[:, None] == cols[None, :]] = SAME_COL
    rel[rows[:, None] == rows[None, :]] = SAME_ROW
    rel[torch.arange(81), torch.arange(81)] = SELF
    return rel


class PositionEmbedding(nn.Module):
    """Adds position information to token embeddings."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.layout = config.layout
        if config.layout == "sudoku":
            rows, cols, boxes = sudoku_coordinates()
            self.register_buffer("rows", rows, persistent=False)
            self.register_buffer("cols", cols, persistent=False)
            self.register_buffer("boxes", boxes, persistent=False)
            self.row = nn.Embedding(9, config.d_model)
            self.col = nn.Embedding(9, config.d_model)
            self.box = nn.Embedding(9, config.d_model)
        else:
            self.pos = nn.Embedding(config.seq_len, config.d_model)

        self._cache: tuple[tuple, torch.Tensor] | None = None

    def forward(self, length: int) -> torch.Tensor:
        if self.layout != "sudoku":
            return self.pos.weight[:length]
        if not inference_path(self):
            return self._sudoku()
        # Three lookups and two adds per forward for a result that only changes with the weights.
        key = tuple((w.data_ptr(), w._version) for w in (self.row.weight, self.col.weight, self.box.weight))
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self._sudoku())
        return self._cache[1]

    def _sudoku(self) -> torch.Tensor:
        return self.row(self.rows) + self.col(self.cols) + self.box(self.boxes)


class RelationBias(nn.Module):
    """Learned per-head additive attention bias for each relation between two positions.

    Peer-biased rather than peer-restricted attention: heads start focused on the 20 peers
    of a cell (the only cells Sudoku's rules link it to) but may learn to look further.
    """

    def __init__(self, n_heads: int) -> None:
        super().__init__()
        self.register_buffer("relations", sudoku_relations(), persistent=False)
        init = torch.tensor([0.0, 2.0, 2.0, 2.0, -2.0])
        self.bias = nn.Parameter(init.repeat(n_heads, 1))

    def forward(self) -> torch.Tensor:
        return self.bias[:, self.relations]  # (heads, L, L)


def sudoku_peer_matrix() -> torch.Tensor:
    """(81, 81) float: 1 where two distinct cells share a row, column or box."""
    rel = sudoku_relations()
    return ((rel != UNRELATED) & (rel != SELF)).float()


class PeerDigits(nn.Module):
    """Embeds, for every cell, which digits already stand among its 20 peers.

    This is the constraint a Sudoku solver reads first; giving it to the network directly
    (for MDM and VMD alike) spares the small CPU-trained models from learning to gather it
    through attention. Digits committed in the same step cannot see each other through it,
    so parallel commits can still collide: the failure VMD addresses stays intact.
    """

    def __init__(self, vocab_size: int, d_model: int) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.register_buffer("peers", sudoku_peer_matrix(), persistent=False)
        self.proj = nn.Linear(vocab_size, d_model, bias=False)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        onehot = torch.nn.functional.one_hot(tokens, self.vocab_size + 1)[..., : self.vocab_size].float()
        seen = (self.peers @ onehot).clamp(max=1.0)  # (B, 81, vocab)
        return self.proj(seen.to(self.proj.weight.dtype))
