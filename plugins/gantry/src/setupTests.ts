import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI machines have two cores shared with the portal under test: give findBy* and
// waitFor more than their one-second default before calling an element missing.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);
