"""The Streamlit interface beside app.py: pages and panels too large to keep in the entry module."""
