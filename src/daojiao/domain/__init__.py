"""The rules of a case: pure Python, no AWS import anywhere below this package."""
