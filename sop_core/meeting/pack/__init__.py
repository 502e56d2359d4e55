"""The meeting pack (dossier de réunion): its contents, tables, charts, PDF and workbook."""
