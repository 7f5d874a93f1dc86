"""The ARC (Abstraction and Reasoning Corpus) grid domain: grammar, semantics, tasks, search."""
