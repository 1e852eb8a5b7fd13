// Vite bundles imported stylesheets; to the type checker a .css import is only a side effect.
declare module '*.css';
