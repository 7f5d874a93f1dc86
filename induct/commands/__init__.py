"""The command implementations of the ``induct`` CLI, one module per area."""
