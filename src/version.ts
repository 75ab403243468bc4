/** Replaced by the bundler with package.json's version. */
declare const __AWSROLE_VERSION__: string | undefined;
export const VERSION: string = typeof __AWSROLE_VERSION__ === 'string' ? __AWSROLE_VERSION__ : '0.0.0-dev';
