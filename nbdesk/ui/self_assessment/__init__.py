"""The self-assessment section: assessments, workshop mode, results, comparisons and the workbook."""
