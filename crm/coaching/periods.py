"""The definitions the four coaching reports share (per coach, per programme, per period and per
client: crm/coaching/*_figures.py); the period itself and the SQL pieces are crm/periods.py's.

Every figure is an SQL aggregate over what the viewer may see (crm/visibility.py), over a period
of whole days in the business time zone (``CRM_TIMEZONE``). The definitions, said once here and
on the pages:

- a session is *in the period* when it starts in it;
- *hours* are the minutes of the sessions held (status done), over 60;
- the *average rating* is the mean of every rating given on the coach's sessions held in the
  period: the main client's (on the session) and each other participant's, one each;
- a meeting report is *overdue* when a session held has none a day (``REPORT_AFTER``) after it
  started;
- *revenue*: a session held under a contract is worth the contract's total over its lessons;
  one under a product adds nothing (the product's sale counts instead, in the period it was
  sold, at the price it was sold for, for the employee who sold it); any other session held is
  worth the coach's hourly rate times its hours;
- *time at a stage* runs from the move that brought the client to it to the move that took
  them on, and for a client still there, up to now.
"""
