"""python -m training train TASK ... | python -m training eval TASK ..."""

import sys

from .cli import eval_main, train_main

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("train", "eval"):
        raise SystemExit("usage: python -m training {train,eval} TASK ...")
    (train_main if sys.argv[1] == "train" else eval_main)(sys.argv[2:])
