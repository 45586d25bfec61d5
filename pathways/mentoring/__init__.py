"""Career champions and mentoring: profiles, matching, pairings and sessions."""
