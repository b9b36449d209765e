"""A unit's hours: weekly templates, closures and absences; a change that removes booked times keeps the
bookings and lists them for staff to move."""
