"""What a request asks for: its schema, its presets and limits, and `resolve`, which turns it into a run to train."""
