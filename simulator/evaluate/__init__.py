"""What a finished (or paused) session is worth: scoring, the after-action report, the drill's
questions, forks and worst case, and the playbook. Replays sessions; never touches storage."""
