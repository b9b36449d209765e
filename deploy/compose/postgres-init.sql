-- One database and role per service, as the local launcher makes them. Development passwords only.
CREATE ROLE booking LOGIN PASSWORD 'booking-dev';
CREATE DATABASE booking OWNER booking;
CREATE ROLE triage LOGIN PASSWORD 'triage-dev';
CREATE DATABASE triage OWNER triage;
CREATE ROLE guarantee_monitor LOGIN PASSWORD 'guarantee-monitor-dev';
CREATE DATABASE guarantee_monitor OWNER guarantee_monitor;
