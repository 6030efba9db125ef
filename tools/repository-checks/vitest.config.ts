import base from '../../vitest.config.base.js';

export default base;
