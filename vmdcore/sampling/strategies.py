"""Which masked positions a step commits first: a registry of scoring rules.

Each rule maps the model's probabilities (B, L, V) to a score (B, L); higher commits first.
"""

from __future__ import annotations

from typing import Callable

import torch

ScoreRule = Callable[[torch.Tensor, torch.Generator | None], torch.Tensor]

STRATEGIES: dict[str, ScoreRule] = {}
DESCRIPTIONS: dict[str, str] = {}
ALIASES = {"top-prob-margin": "margin", "top_prob": "top-prob", "topprob": "top-prob", "top-prob margin": "margin"}


def register(name: str, description: str) -> Callable[[ScoreRule], ScoreRule]:
    def wrap(rule: ScoreRule) -> ScoreRule:
        STRATEGIES[name] = rule
        DESCRIPTIONS[name] = description
        return rule

    return wrap


def resolve(name: str) -> str:
    key = ALIASES.get(name, name)
    if key not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose from {', '.join(STRATEGIES)}")
    return key


def score(name: str, probs: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    return STRATEGIES[resolve(name)](probs, generator)


@register("random", "commit uniformly random masked positions (vanilla MDM)")
def _random(probs: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    return torch.rand(probs.shape[:2], generator=generator, device=probs.device)


@register("top-prob", "commit the positions whose top probability is highest")
def _top_prob(probs: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    return probs.max(dim=-1).values


@register("margin", "commit the positions with the widest gap between the top two probabilities")
def _margin(probs: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    top2 = probs.topk(2, dim=-1).values
    return top2[..., 0] - top2[..., 1]


@register("entropy", "commit the positions whose predicted distribution has the lowest entropy")
def _entropy(probs: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    return (probs * torch.log(probs.clamp_min(1e-12))).sum(dim=-1)
