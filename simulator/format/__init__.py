"""The file formats: safe YAML, diagnostics, the scenario schema and model, conditions, durations,
the shared vocabulary, the trainee's actions and play scripts. The bottom layer: imports nothing
else of `simulator`."""
