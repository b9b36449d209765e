"""The monitor's use cases: apply an event to a clock, fire due alerts, report compliance."""
