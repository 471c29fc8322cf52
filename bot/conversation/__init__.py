"""The self-introduction conversation: which question comes next, reading answers, summaries."""
