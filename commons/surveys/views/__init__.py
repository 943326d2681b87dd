"""Survey pages, by who uses them: ``manage`` (the owner's: upload a form, preview, open
and close, who may answer, import responses), ``answer`` (respondents) and ``report``
(the findings and their exports)."""
