/** Stylesheets are imported for their side effect; vite bundles them into one file the CSP allows. */
declare module '*.css';
