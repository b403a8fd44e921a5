// Preloaded into a tool run by the tests (the Electron audit) so that it cannot reach the network:
// every host name fails to resolve. Tests never download anything, and the audit then works from
// what is installed (it would otherwise fetch translations and Electron's release list).
const dns = require('node:dns');
const refuse = (host, ...rest) => {
  const callback = rest.at(-1);
  const err = Object.assign(new Error(`offline: the tests do not resolve ${host}`), { code: 'ENOTFOUND', hostname: host });
  process.nextTick(() => callback(err));
};
dns.lookup = refuse;
dns.promises.lookup = async (host) => {
  throw Object.assign(new Error(`offline: the tests do not resolve ${host}`), { code: 'ENOTFOUND', hostname: host });
};
