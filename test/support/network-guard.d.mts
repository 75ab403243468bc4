export function isLoopbackHost(host: string | undefined): boolean;
