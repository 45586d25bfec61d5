"""Services for people and organisations: accounts, profiles and the staff import."""
