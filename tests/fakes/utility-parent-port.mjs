// A FAKE of what Electron gives a utility process: `process.parentPort`, here carried over the
// Node IPC channel of a forked child. The engine finds it and speaks to the main process through
// it exactly as under Electron: messages arrive as { data }, postMessage has no callback.
process.parentPort = {
  on(event, listener) {
    if (event === 'message') process.on('message', (data) => listener({ data }));
  },
  postMessage(message) {
    process.send(message);
  },
};
