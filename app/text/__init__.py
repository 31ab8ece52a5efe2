"""The Text tab: character generation step by step, the phrase-pair demo and the 2-token
dependency view (see tab.py for how the pieces fit)."""
