"""Demo data: invented people to try Treffpunkt with (``planner demo load``, the overview's
"Try it with demo data")."""
