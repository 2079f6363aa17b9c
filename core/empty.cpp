// Placeholder translation unit for a core concern that has no sources yet.
