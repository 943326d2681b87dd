"""Surveys: XLSForm questionnaires, their responses, KoboToolbox and ODK imports, and
reports with valid-N percentages."""
