import unittest

from vigil_client import mean_pool


class ListLike:
    """Stands in for a numpy array / torch tensor: only tolist() is used on the generic path."""

    def __init__(self, data):
        self.data = data

    def tolist(self):
        return self.data


class MeanPoolTest(unittest.TestCase):
    def test_weights_by_the_attention_mask_so_padding_does_not_count(self):
        # Prepare: two texts, the second padded after two tokens
        hidden = [
            [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
            [[2.0, 0.0], [4.0, 2.0], [100.0, 100.0]],
        ]
        mask = [[1, 1, 1], [1, 1, 0]]
        # Act
        pooled = mean_pool(hidden, mask)
        # Assess
        self.assertEqual(pooled, [[3.0, 4.0], [3.0, 1.0]])

    def test_a_padded_text_gets_the_embedding_it_has_alone(self):
        alone = mean_pool([[0.5, -1.0], [1.5, 3.0]], [1, 1])
        padded = mean_pool([[0.5, -1.0], [1.5, 3.0], [9.0, 9.0], [7.0, 7.0]], [1, 1, 0, 0])
        self.assertEqual(alone, padded)
        self.assertEqual(alone, [1.0, 1.0])

    def test_accepts_array_likes_with_tolist(self):
        pooled = mean_pool(ListLike([[[1.0, 1.0], [3.0, 5.0]]]), ListLike([[1, 1]]))
        self.assertEqual(pooled, [[2.0, 3.0]])

    def test_refuses_an_all_zero_mask_and_mismatched_shapes(self):
        with self.assertRaisesRegex(ValueError, "all zeros"):
            mean_pool([[1.0], [2.0]], [0, 0])
        with self.assertRaisesRegex(ValueError, "positions"):
            mean_pool([[1.0], [2.0]], [1])
        with self.assertRaisesRegex(ValueError, "attention masks"):
            mean_pool([[[1.0]], [[2.0]]], [[1]])


if __name__ == "__main__":
    unittest.main()
